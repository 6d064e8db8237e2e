"""The credential-name tests and URL scrubbers of the three export readers, pinned on one table.

Each row gives an input and what the Talend, Workato and Mule readers make of it.
The rows were written from the readers' behaviour before their rules were merged
into :mod:`designkit.assess.secrets`, so a merge that changes any output fails here;
rows whose values were changed on purpose say why in a comment.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from designkit.assess.readers import mule_values, talend_parts, workato_expressions

NAME_TESTS: dict[str, Callable[[str], bool]] = {
    "talend": talend_parts.is_secret_name,
    "workato": workato_expressions.is_credential_name,
    "mule": mule_values.is_secret_name,
}
SCRUBBERS: dict[str, Callable[[str], str]] = {
    "talend": talend_parts.safe_endpoint,
    "workato": workato_expressions.safe_url,
    "mule": mule_values.clean_endpoint,
}

# name, talend, workato, mule
NAMES = [
    ("password", True, True, True),
    ("PASS", True, False, False),
    ("pwd", True, True, True),
    ("secret", True, True, True),
    ("token", True, True, True),
    ("tokenUrl", True, True, False),
    ("apiKey", True, True, True),
    ("api_key", True, True, True),
    ("api-key", False, True, True),
    ("authorization", False, True, False),
    ("Authorization", False, True, False),
    ("client_secret", True, True, True),
    ("clientSecret", True, True, True),
    ("client-secret", True, True, True),
    ("passphrase", True, False, True),
    ("privateKey", True, True, True),
    ("private_key", True, True, True),
    ("private.key", False, False, False),
    ("bypass", True, False, False),
    ("compass", True, False, False),
    ("passwd", True, True, True),
    ("PASSWORD", True, True, True),
    ("DB_PASSWORD", True, True, True),
    ("SMB_PASSWORD", True, True, True),
    ("PASS_PHRASE", True, False, False),
    ("passport", False, False, False),
    ("password_file", True, True, False),
    ("passwordFile", False, True, False),
    ("secretName", True, True, False),
    ("token_url", True, True, False),
    ("accessToken", True, True, True),
    ("access_token", True, True, True),
    ("refresh_token", True, True, True),
    ("x-api-key", False, True, True),
    ("X-API-Key", False, True, True),
    ("user", False, False, False),
    ("username", False, False, False),
    ("host", False, False, False),
    ("secret.key", True, True, False),
    ("db.password", True, True, True),
    ("sftp.passphrase", True, False, True),
    ("tokenExpiry", True, True, False),
    ("passwordPolicy", False, True, False),
    ("authorizationHeader", False, True, False),
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
    ("private key", True, True, False),
    ("PRIVATE_KEY", True, True, True),
    ("keystore.password", True, True, True),
    ("authorization_url", False, True, False),
    ("passwords", False, True, True),
    ("password2", True, True, True),
    ("bearer", False, False, False),
    ("credentials", False, False, False),
]

# url, talend, workato, mule
URLS = [
    (
        "https://user:pw@api.example.com/v1/orders",
        "https://api.example.com/v1/orders",
        "https://api.example.com/v1/orders",
        "https://api.example.com/v1/orders",
    ),
    (
        "https://api.example.com/v1/orders?api_key=abc&page=2",
        "https://api.example.com/v1/orders?page=2",
        "https://api.example.com/v1/orders?page=2",
        "https://api.example.com/v1/orders",
    ),
    (
        "https://api.example.com/v1/orders?page=2&token=abc",
        "https://api.example.com/v1/orders?page=2",
        "https://api.example.com/v1/orders?page=2",
        "https://api.example.com/v1/orders",
    ),
    (
        "https://api.example.com/v1/orders?password=abc",
        "https://api.example.com/v1/orders",
        "https://api.example.com/v1/orders",
        "https://api.example.com/v1/orders",
    ),
    (
        "https://api.example.com/v1/orders?user=bob&password=abc",
        "https://api.example.com/v1/orders?user=bob",
        "https://api.example.com/v1/orders?user=bob",
        "https://api.example.com/v1/orders",
    ),
    (
        "https://api.example.com/v1/orders?user=bob&page=2",
        "https://api.example.com/v1/orders?user=bob&page=2",
        "https://api.example.com/v1/orders?user=bob&page=2",
        "https://api.example.com/v1/orders",
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
    (
        "https://api.example.com/v1/orders?flag",
        "https://api.example.com/v1/orders?flag=",
        "https://api.example.com/v1/orders?flag=",
        "https://api.example.com/v1/orders?flag",
    ),
    (
        "https://api.example.com/v1/orders#section",
        "https://api.example.com/v1/orders#section",
        "https://api.example.com/v1/orders",
        "https://api.example.com/v1/orders#section",
    ),
    (
        "https://api.example.com/v1/cb#access_token=abc&state=1",
        "https://api.example.com/v1/cb#access_token=abc&state=1",
        "https://api.example.com/v1/cb",
        "https://api.example.com/v1/cb#access_token=abc&state=1",
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
    ("http://[::1", "http://[::1", "", "http://[::1"),
    (
        "api.example.com/v1?token=abc",
        "api.example.com/v1?token=abc",
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
    (
        "jdbc:mysql://db:3306/shop?user=app&password=hunter2",
        "jdbc:mysql://db:3306/shop?user=app&password=hunter2",
        "jdbc:mysql://db:3306/shop?user=app",
        "jdbc:mysql://db:3306/shop",
    ),
    (
        "jdbc:mysql://app:hunter2@db:3306/shop",
        "jdbc:mysql://app:hunter2@db:3306/shop",
        "jdbc:mysql://app:hunter2@db:3306/shop",
        "jdbc:mysql://db:3306/shop",
    ),
    (
        "jdbc:oracle:thin:scott/tiger@db:1521:ORCL",
        "jdbc:oracle:thin:scott/tiger@db:1521:ORCL",
        "jdbc:oracle:thin:scott/tiger@db:1521:ORCL",
        "jdbc:oracle:thin:@db:1521:ORCL",
    ),
    (
        "jdbc:sqlserver://db:1433;databaseName=shop;user=app;password=hunter2",
        "jdbc:sqlserver://db:1433;databaseName=shop;user=app;password=hunter2",
        "jdbc:sqlserver://db:1433;databaseName=shop;user=app;password=hunter2",
        "jdbc:sqlserver://db:1433;databaseName=shop;user=app",
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
    (
        "  https://api.example.com/x  ",
        "https://api.example.com/x  ",
        "https://api.example.com/x",
        "https://api.example.com/x",
    ),
    ("", "", "", ""),
    (
        "https://api.example.com/v1?Authorization=Bearer%20x",
        "https://api.example.com/v1?Authorization=Bearer+x",
        "https://api.example.com/v1",
        "https://api.example.com/v1?Authorization=Bearer%20x",
    ),
    (
        "https://api.example.com/v1?access_token=abc",
        "https://api.example.com/v1",
        "https://api.example.com/v1",
        "https://api.example.com/v1",
    ),
    (
        "https://api.example.com/v1?client_secret=abc&client_id=id",
        "https://api.example.com/v1?client_id=id",
        "https://api.example.com/v1?client_id=id",
        "https://api.example.com/v1",
    ),
    (
        "https://api.example.com/v1?sig=abc&passphrase=p",
        "https://api.example.com/v1?sig=abc",
        "https://api.example.com/v1?sig=abc&passphrase=p",
        "https://api.example.com/v1",
    ),
    (
        "https://api.example.com/v1?PASS=abc",
        "https://api.example.com/v1",
        "https://api.example.com/v1?PASS=abc",
        "https://api.example.com/v1?PASS=abc",
    ),
    (
        "https://api.example.com/v1?tokenUrl=x",
        "https://api.example.com/v1",
        "https://api.example.com/v1",
        "https://api.example.com/v1?tokenUrl=x",
    ),
    (
        "https://api.example.com/v1;jsessionid=abc",
        "https://api.example.com/v1;jsessionid=abc",
        "https://api.example.com/v1;jsessionid=abc",
        "https://api.example.com/v1;jsessionid=abc",
    ),
    (
        "https://a.example.com/v1?x=1;password=abc",
        "https://a.example.com/v1?x=1%3Bpassword%3Dabc",
        "https://a.example.com/v1?x=1%3Bpassword%3Dabc",
        "https://a.example.com/v1",
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
    (
        '"https://" + context.crm_host + "/v1?token=" + context.crm_token',
        '"https://" + context.crm_host + "/v1?token=" + context.crm_token',
        '"https://" + context.crm_host + "/v1',
        '"https://" + context.crm_host + "/v1',
    ),
    (
        "activemq:queue:orders.dlq?username=app&password=Synthetic-Camel-1",
        "activemq:queue:orders.dlq?username=app&password=Synthetic-Camel-1",
        "activemq:queue:orders.dlq?username=app",
        "activemq:queue:orders.dlq",
    ),
    ("jms:queue:orders", "jms:queue:orders", "jms:queue:orders", "jms:queue:orders"),
    ("#[vars.base ++ '?token=abc']", "#[vars.base ++ '?token=abc']", "", "#[vars.base ++ '"),
    ("#[vars.baseUrl]", "#[vars.baseUrl]", "", "#[vars.baseUrl]"),
    (
        'https://api.example.com/v1/#{_dp(\'{"line":"t"}\')}?api_key=k1&page=2',
        'https://api.example.com/v1/#{_dp(\'{"line":"t"}\')}?api_key=k1&page=2',
        "https://api.example.com/v1/",
        'https://api.example.com/v1/#{_dp(\'{"line":"t"}\')}',
    ),
    (
        "https://user:p@ss@api.example.com/",
        "https://api.example.com/",
        "https://api.example.com/",
        "https://ss@api.example.com/",
    ),
    (
        "https://api.example.com/cb?redirect_uri=https://app.example.com/x&state=1",
        "https://api.example.com/cb?redirect_uri=https%3A%2F%2Fapp.example.com%2Fx&state=1",
        "https://api.example.com/cb?redirect_uri=https%3A%2F%2Fapp.example.com%2Fx&state=1",
        "https://api.example.com/cb?redirect_uri=https://app.example.com/x&state=1",
    ),
    (
        "https://api.example.com/v1?since=${last.run}&apiKey=${k}",
        "https://api.example.com/v1?since=%24%7Blast.run%7D",
        "https://api.example.com/v1?since=%24%7Blast.run%7D",
        "https://api.example.com/v1",
    ),
    (
        "https://api.example.com/v1?q=a b",
        "https://api.example.com/v1?q=a+b",
        "https://api.example.com/v1?q=a+b",
        "https://api.example.com/v1?q=a b",
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
