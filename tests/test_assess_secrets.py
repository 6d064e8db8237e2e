"""The credential-name tests and URL scrubbers of the three export readers, pinned on one table.

Each row gives an input and what the Talend, Workato and Mule readers make of it.
The rows were written from the readers' behaviour before their rules were merged
into :mod:`designkit.assess.secrets`, so a merge that changes any output fails here;
rows whose values were changed on purpose say why in a comment.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from designkit.assess.secrets import TALEND_WORDS, is_secret_name, scrub_url

NAME_TESTS: dict[str, Callable[[str], bool]] = {
    "talend": lambda name: is_secret_name(name, TALEND_WORDS),
    "workato": is_secret_name,
    "mule": is_secret_name,
}
"""As each reader calls the shared test (Talend adds its ``PASS`` parameter name)."""
SCRUBBERS: dict[str, Callable[[str], str]] = {
    "talend": lambda url: scrub_url(url, drop_fragment=False),
    "workato": lambda url: scrub_url(url, drop_fragment=True),
    "mule": lambda url: scrub_url(url, drop_fragment=False),
}
"""As each reader calls the shared scrubber (``#{`` starts a datapill in Workato text)."""

# name, talend, workato, mule
NAMES = [
    ("password", True, True, True),
    ("PASS", True, False, False),
    ("pwd", True, True, True),
    ("secret", True, True, True),
    ("token", True, True, True),
    ("tokenUrl", False, False, False),  # fixed: a URL, not a secret (Mule's rule, now everywhere)
    ("apiKey", True, True, True),
    ("api_key", True, True, True),
    ("api-key", True, True, True),  # fixed: Talend missed the hyphenated form
    ("authorization", True, True, True),  # fixed: Talend and Mule missed an Authorization value
    ("Authorization", True, True, True),  # fixed: Talend and Mule missed an Authorization value
    ("client_secret", True, True, True),
    ("clientSecret", True, True, True),
    ("client-secret", True, True, True),
    ("passphrase", True, True, True),  # fixed: Workato missed passphrases
    ("privateKey", True, True, True),
    ("private_key", True, True, True),
    ("private.key", True, True, True),  # fixed: `private.key` was missed everywhere
    ("bypass", False, False, False),  # fixed: Talend's `pass` matched inside words
    ("compass", False, False, False),  # fixed: Talend's `pass` matched inside words
    ("passwd", True, True, True),
    ("PASSWORD", True, True, True),
    ("DB_PASSWORD", True, True, True),
    ("SMB_PASSWORD", True, True, True),
    ("PASS_PHRASE", True, False, False),
    ("passport", False, False, False),
    ("password_file", False, False, False),  # fixed: a file name, not the password
    ("passwordFile", False, False, False),  # fixed: Workato took a file name for a credential
    ("secretName", False, False, False),  # fixed: a name, not the secret
    ("token_url", False, False, False),  # fixed: a URL, not a secret
    ("accessToken", True, True, True),
    ("access_token", True, True, True),
    ("refresh_token", True, True, True),
    ("x-api-key", True, True, True),  # fixed: Talend missed X-API-Key
    ("X-API-Key", True, True, True),  # fixed: Talend missed X-API-Key
    ("user", False, False, False),
    ("username", False, False, False),
    ("host", False, False, False),
    ("secret.key", True, True, True),  # fixed: Mule looked only at `key`
    ("db.password", True, True, True),
    ("sftp.passphrase", True, True, True),  # fixed: Workato missed passphrases
    ("tokenExpiry", False, False, False),  # fixed: an expiry, not the token
    ("passwordPolicy", False, False, False),  # fixed: a policy, not a password
    # an "authorizationHeader" setting usually holds the header's value ("Basic ...", "Bearer
    # ..."): taken for a credential, so its value is never written out
    ("authorizationHeader", True, True, True),
    ("tokenHeader", True, True, True),
    ("auth", False, False, False),
    ("apikey", True, True, True),
    ("APIKEY", True, True, True),
    ("pass", True, False, False),
    ("Pass", True, False, False),
    ("encPassword", True, True, True),
    ("sessionToken", True, True, True),
    ("tokens", True, True, True),
    ("secretary", True, True, True),
    ("pwdHint", True, True, True),
    ("private key", True, True, True),  # fixed: Mule split the name at the space
    ("PRIVATE_KEY", True, True, True),
    ("keystore.password", True, True, True),
    ("authorization_url", False, False, False),  # fixed: an OAuth URL, not a credential
    ("passwords", True, True, True),  # fixed: Talend's look-ahead refused a trailing letter
    ("password2", True, True, True),
    ("bearer", False, False, False),
    ("credentials", False, False, False),
    ("DB_PASS", True, False, False),  # added with the merge
    ("dbPass", True, False, False),  # added with the merge
    ("KEYSTORE_PASS", True, False, False),  # added with the merge
    ("api.key", True, True, True),  # added with the merge
    ("partner.api.key", True, True, True),  # added with the merge
    ("jwt.secret.key", True, True, True),  # added with the merge
    ("tokens.retry.count", False, False, False),  # added with the merge
    ("Proxy-Authorization", True, True, True),  # added with the merge
    ("X-Auth-Token", True, True, True),  # added with the merge
]

# url, talend, workato, mule
URLS = [
    (
        "https://user:pw@api.example.com/v1/orders",
        "https://api.example.com/v1/orders",
        "https://api.example.com/v1/orders",
        "https://api.example.com/v1/orders",
    ),
    # Mule dropped the whole query; now only credential pairs go
    (
        "https://api.example.com/v1/orders?api_key=abc&page=2",
        "https://api.example.com/v1/orders?page=2",
        "https://api.example.com/v1/orders?page=2",
        "https://api.example.com/v1/orders?page=2",
    ),
    # Mule dropped the whole query
    (
        "https://api.example.com/v1/orders?page=2&token=abc",
        "https://api.example.com/v1/orders?page=2",
        "https://api.example.com/v1/orders?page=2",
        "https://api.example.com/v1/orders?page=2",
    ),
    (
        "https://api.example.com/v1/orders?password=abc",
        "https://api.example.com/v1/orders",
        "https://api.example.com/v1/orders",
        "https://api.example.com/v1/orders",
    ),
    # fixed: a user name goes like userinfo (Mule's rule)
    (
        "https://api.example.com/v1/orders?user=bob&password=abc",
        "https://api.example.com/v1/orders",
        "https://api.example.com/v1/orders",
        "https://api.example.com/v1/orders",
    ),
    # user name dropped everywhere, other pairs kept
    (
        "https://api.example.com/v1/orders?user=bob&page=2",
        "https://api.example.com/v1/orders?page=2",
        "https://api.example.com/v1/orders?page=2",
        "https://api.example.com/v1/orders?page=2",
    ),
    (
        "https://api.example.com/v1/orders?page=2&limit=10",
        "https://api.example.com/v1/orders?page=2&limit=10",
        "https://api.example.com/v1/orders?page=2&limit=10",
        "https://api.example.com/v1/orders?page=2&limit=10",
    ),
    (
        "https://api.example.com/v1/orders?q=a+b&x=%2F",
        "https://api.example.com/v1/orders?q=a+b&x=%2F",
        "https://api.example.com/v1/orders?q=a+b&x=%2F",
        "https://api.example.com/v1/orders?q=a+b&x=%2F",
    ),
    # kept as written (no re-encoding)
    (
        "https://api.example.com/v1/orders?flag",
        "https://api.example.com/v1/orders?flag",
        "https://api.example.com/v1/orders?flag",
        "https://api.example.com/v1/orders?flag",
    ),
    (
        "https://api.example.com/v1/orders#section",
        "https://api.example.com/v1/orders#section",
        "https://api.example.com/v1/orders",
        "https://api.example.com/v1/orders#section",
    ),
    # fixed: a token in the fragment leaked in Talend and Mule
    (
        "https://api.example.com/v1/cb#access_token=abc&state=1",
        "https://api.example.com/v1/cb#state=1",
        "https://api.example.com/v1/cb",
        "https://api.example.com/v1/cb#state=1",
    ),
    (
        "https://api.example.com/v1/orders?page=2#frag",
        "https://api.example.com/v1/orders?page=2#frag",
        "https://api.example.com/v1/orders?page=2",
        "https://api.example.com/v1/orders?page=2#frag",
    ),
    (
        "https://api.example.com:8443/v1",
        "https://api.example.com:8443/v1",
        "https://api.example.com:8443/v1",
        "https://api.example.com:8443/v1",
    ),
    (
        "http://localhost:8080/api",
        "http://localhost:8080/api",
        "http://localhost:8080/api",
        "http://localhost:8080/api",
    ),
    (
        "http://[::1]:8080/api?token=x",
        "http://[::1]:8080/api",
        "http://[::1]:8080/api",
        "http://[::1]:8080/api",
    ),
    (
        "http://[2001:db8::1]/api",
        "http://[2001:db8::1]/api",
        "http://[2001:db8::1]/api",
        "http://[2001:db8::1]/api",
    ),
    # Workato returned nothing for an unparsable URL
    ("http://[::1", "http://[::1", "http://[::1", "http://[::1"),
    # fixed: Talend scrubbed only URLs with a scheme
    (
        "api.example.com/v1?token=abc",
        "api.example.com/v1",
        "api.example.com/v1",
        "api.example.com/v1",
    ),
    (
        "api.example.com:443/v1",
        "api.example.com:443/v1",
        "api.example.com:443/v1",
        "api.example.com:443/v1",
    ),
    ("localhost:5672", "localhost:5672", "localhost:5672", "localhost:5672"),
    # fixed: Talend printed a JDBC password
    (
        "jdbc:mysql://db:3306/shop?user=app&password=hunter2",
        "jdbc:mysql://db:3306/shop",
        "jdbc:mysql://db:3306/shop",
        "jdbc:mysql://db:3306/shop",
    ),
    # fixed: Talend and Workato printed JDBC userinfo
    (
        "jdbc:mysql://app:hunter2@db:3306/shop",
        "jdbc:mysql://db:3306/shop",
        "jdbc:mysql://db:3306/shop",
        "jdbc:mysql://db:3306/shop",
    ),
    # fixed: Talend and Workato printed Oracle thin credentials
    (
        "jdbc:oracle:thin:scott/tiger@db:1521:ORCL",
        "jdbc:oracle:thin:@db:1521:ORCL",
        "jdbc:oracle:thin:@db:1521:ORCL",
        "jdbc:oracle:thin:@db:1521:ORCL",
    ),
    # fixed: `;password=` printed by Talend and Workato
    (
        "jdbc:sqlserver://db:1433;databaseName=shop;user=app;password=hunter2",
        "jdbc:sqlserver://db:1433;databaseName=shop",
        "jdbc:sqlserver://db:1433;databaseName=shop",
        "jdbc:sqlserver://db:1433;databaseName=shop",
    ),
    (
        "jdbc:postgresql://db/shop?sslmode=require",
        "jdbc:postgresql://db/shop?sslmode=require",
        "jdbc:postgresql://db/shop?sslmode=require",
        "jdbc:postgresql://db/shop?sslmode=require",
    ),
    (
        "amqp://guest:guest@localhost:5672/vhost",
        "amqp://localhost:5672/vhost",
        "amqp://localhost:5672/vhost",
        "amqp://localhost:5672/vhost",
    ),
    ("tcp://broker:61616", "tcp://broker:61616", "tcp://broker:61616", "tcp://broker:61616"),
    (
        '"http://" + context.host + "/api"',
        '"http://" + context.host + "/api"',
        '"http://" + context.host + "/api"',
        '"http://" + context.host + "/api"',
    ),
    ("context.api_url", "context.api_url", "context.api_url", "context.api_url"),
    (
        "http://${http.host}:${http.port}/api",
        "http://${http.host}:${http.port}/api",
        "http://${http.host}:${http.port}/api",
        "http://${http.host}:${http.port}/api",
    ),
    (
        "https://${partner.host}/orders?apiKey=${partner.key}",
        "https://${partner.host}/orders",
        "https://${partner.host}/orders",
        "https://${partner.host}/orders",
    ),
    ("${db.url}", "${db.url}", "${db.url}", "${db.url}"),
    (
        'https://api.example.com/#{_dp(\'{"line":"trigger","path":["id"]}\')}/items',
        'https://api.example.com/#{_dp(\'{"line":"trigger","path":["id"]}\')}/items',
        "https://api.example.com/",
        'https://api.example.com/#{_dp(\'{"line":"trigger","path":["id"]}\')}/items',
    ),
    (
        'https://api.example.com/orders?id=#{_dp(\'{"line":"t"}\')}',
        'https://api.example.com/orders?id=#{_dp(\'{"line":"t"}\')}',
        "https://api.example.com/orders?id=",
        'https://api.example.com/orders?id=#{_dp(\'{"line":"t"}\')}',
    ),
    (
        "ftp://user:pass@ftp.example.com/in",
        "ftp://ftp.example.com/in",
        "ftp://ftp.example.com/in",
        "ftp://ftp.example.com/in",
    ),
    # Talend kept trailing blanks
    (
        "  https://api.example.com/x  ",
        "https://api.example.com/x",
        "https://api.example.com/x",
        "https://api.example.com/x",
    ),
    ("", "", "", ""),
    # fixed: Talend and Mule printed an Authorization value
    (
        "https://api.example.com/v1?Authorization=Bearer%20x",
        "https://api.example.com/v1",
        "https://api.example.com/v1",
        "https://api.example.com/v1",
    ),
    (
        "https://api.example.com/v1?access_token=abc",
        "https://api.example.com/v1",
        "https://api.example.com/v1",
        "https://api.example.com/v1",
    ),
    # Mule dropped the whole query
    (
        "https://api.example.com/v1?client_secret=abc&client_id=id",
        "https://api.example.com/v1?client_id=id",
        "https://api.example.com/v1?client_id=id",
        "https://api.example.com/v1?client_id=id",
    ),
    # fixed: Workato printed a passphrase
    (
        "https://api.example.com/v1?sig=abc&passphrase=p",
        "https://api.example.com/v1?sig=abc",
        "https://api.example.com/v1?sig=abc",
        "https://api.example.com/v1?sig=abc",
    ),
    # fixed: Workato and Mule printed PASS
    (
        "https://api.example.com/v1?PASS=abc",
        "https://api.example.com/v1",
        "https://api.example.com/v1",
        "https://api.example.com/v1",
    ),
    # a URL, not a secret
    (
        "https://api.example.com/v1?tokenUrl=x",
        "https://api.example.com/v1?tokenUrl=x",
        "https://api.example.com/v1?tokenUrl=x",
        "https://api.example.com/v1?tokenUrl=x",
    ),
    (
        "https://api.example.com/v1;jsessionid=abc",
        "https://api.example.com/v1;jsessionid=abc",
        "https://api.example.com/v1;jsessionid=abc",
        "https://api.example.com/v1;jsessionid=abc",
    ),
    # fixed: `;` separates pairs too (Talend and Workato printed it)
    (
        "https://a.example.com/v1?x=1;password=abc",
        "https://a.example.com/v1?x=1",
        "https://a.example.com/v1?x=1",
        "https://a.example.com/v1?x=1",
    ),
    (
        "mailto:ops@example.com",
        "mailto:ops@example.com",
        "mailto:ops@example.com",
        "mailto:ops@example.com",
    ),
    ("file:///tmp/in", "file:///tmp/in", "file:///tmp/in", "file:///tmp/in"),
    ("vm://orders", "vm://orders", "vm://orders", "vm://orders"),
    (
        "https://user@api.example.com/",
        "https://api.example.com/",
        "https://api.example.com/",
        "https://api.example.com/",
    ),
    # a Java expression is scrubbed as text
    (
        '"https://" + context.crm_host + "/v1?token=" + context.crm_token',
        '"https://" + context.crm_host + "/v1',
        '"https://" + context.crm_host + "/v1',
        '"https://" + context.crm_host + "/v1',
    ),
    # fixed: Talend printed a Camel URI password
    (
        "activemq:queue:orders.dlq?username=app&password=Synthetic-Camel-1",
        "activemq:queue:orders.dlq",
        "activemq:queue:orders.dlq",
        "activemq:queue:orders.dlq",
    ),
    ("jms:queue:orders", "jms:queue:orders", "jms:queue:orders", "jms:queue:orders"),
    # scrubbed as text, like Mule
    ("#[vars.base ++ '?token=abc']", "#[vars.base ++ '", "", "#[vars.base ++ '"),
    ("#[vars.baseUrl]", "#[vars.baseUrl]", "", "#[vars.baseUrl]"),
    # only credential pairs go
    (
        'https://api.example.com/v1/#{_dp(\'{"line":"t"}\')}?api_key=k1&page=2',
        'https://api.example.com/v1/#{_dp(\'{"line":"t"}\')}?page=2',
        "https://api.example.com/v1/",
        'https://api.example.com/v1/#{_dp(\'{"line":"t"}\')}?page=2',
    ),
    # fixed: Mule printed the password's tail
    (
        "https://user:p@ss@api.example.com/",
        "https://api.example.com/",
        "https://api.example.com/",
        "https://api.example.com/",
    ),
    # kept as written (no re-encoding)
    (
        "https://api.example.com/cb?redirect_uri=https://app.example.com/x&state=1",
        "https://api.example.com/cb?redirect_uri=https://app.example.com/x&state=1",
        "https://api.example.com/cb?redirect_uri=https://app.example.com/x&state=1",
        "https://api.example.com/cb?redirect_uri=https://app.example.com/x&state=1",
    ),
    # kept as written (no re-encoding)
    (
        "https://api.example.com/v1?since=${last.run}&apiKey=${k}",
        "https://api.example.com/v1?since=${last.run}",
        "https://api.example.com/v1?since=${last.run}",
        "https://api.example.com/v1?since=${last.run}",
    ),
    # kept as written (no re-encoding)
    (
        "https://api.example.com/v1?q=a b",
        "https://api.example.com/v1?q=a b",
        "https://api.example.com/v1?q=a b",
        "https://api.example.com/v1?q=a b",
    ),
    # added with the merge
    (
        "https://api.example.com/v1#section?token=x",
        "https://api.example.com/v1#section",
        "https://api.example.com/v1",
        "https://api.example.com/v1#section",
    ),
    # added with the merge
    (
        "https://api.example.com/v1?",
        "https://api.example.com/v1?",
        "https://api.example.com/v1?",
        "https://api.example.com/v1?",
    ),
    # added with the merge
    (
        "https://api.example.com/v1?token=a&token=b",
        "https://api.example.com/v1",
        "https://api.example.com/v1",
        "https://api.example.com/v1",
    ),
    # added with the merge
    (
        "http://${user}:${pass}@${host}/x",
        "http://${host}/x",
        "http://${host}/x",
        "http://${host}/x",
    ),
]


@pytest.mark.parametrize(("name", "talend", "workato", "mule"), NAMES)
def test_credential_names(name: str, talend: bool, workato: bool, mule: bool) -> None:
    expected = {"talend": talend, "workato": workato, "mule": mule}
    assert {platform: test(name) for platform, test in NAME_TESTS.items()} == expected


@pytest.mark.parametrize(("url", "talend", "workato", "mule"), URLS)
def test_url_scrubbers(url: str, talend: str, workato: str, mule: str) -> None:
    expected = {"talend": talend, "workato": workato, "mule": mule}
    assert {platform: scrub(url) for platform, scrub in SCRUBBERS.items()} == expected
