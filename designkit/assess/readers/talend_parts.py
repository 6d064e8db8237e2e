"""What Talend's component names, parameter values and tMap expressions mean.

Talend stores every setting of a component as a Java expression in text
(``"localhost"`` with its quotes, ``context.DbHost``, ``"jdbc:" + x``). The
reader needs three judgements about such text, kept here apart from the XML
walking in :mod:`designkit.assess.readers.talend`:

* what kind of step and system a component is (by its name: Talend names are
  ``t`` + family + role, ``tMysqlOutput``), so that unknown components are
  recognised as unknown rather than guessed at;
* whether a credential's value is written out literally (SEC-01) or only
  referenced (``context.x``, ``enc:...``), without ever keeping the value;
* what kind of transformation a tMap expression is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from designkit.assess.inventory import MappingKind, StepKind

_PLACEHOLDER = re.compile(
    r"\$\{|#\{|\bcontext\.|\bglobalMap\b|p\('|secure::|^enc:|encrypted", re.IGNORECASE
)


def java_literal(expression: str) -> str | None:
    """The text of a single Java string literal (``"abc"`` -> ``abc``), else ``None``."""
    text = expression.strip()
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        inner = text[1:-1]
        if not re.search(r'(?<!\\)"', inner):
            return re.sub(r"\\(.)", r"\1", inner)
    return None


def plain_value(expression: str) -> str:
    """A parameter's value for display: the literal's text, or the expression as written."""
    literal = java_literal(expression)
    return expression.strip() if literal is None else literal


def holds_plain_secret(raw: str, *, quoted: bool) -> bool:
    """Does ``raw`` write a credential out, rather than refer to one or leave it empty?

    Component parameters are Java expressions (a literal has quotes); context
    values are stored bare, so ``quoted=False`` takes any text as the literal.
    """
    text = raw.strip()
    if quoted:
        literal = java_literal(text)
        if literal is None:
            return False  # an expression: context.x, a routine call, a concatenation
        text = literal
    return bool(text) and not _PLACEHOLDER.search(text)


# -- components ---------------------------------------------------------------------------

_DB_FAMILIES = (
    "DB|JDBC|Mysql|MariaDB|Oracle|Postgresql|PostgresPlus|Greenplum|MSSql|DB2|Sybase|Teradata|"
    "Snowflake|Redshift|Informix|Ingres|Access|SQLite|Vertica|Netezza|Hive|Impala|AS400|"
    "Firebird|Exasol|SAPHana|Interbase|HSQLDb|JavaDB|Sqlite|AmazonMysql|AmazonOracle|"
    "AmazonAurora|ParAccel|VectorWise|MaxDB|EXASol|Cassandra|MongoDB|Neo4j|HBase"
)
_DB = re.compile(
    rf"^t(?:{_DB_FAMILIES})(Input|Output\w*|BulkExec|Row|SP|SCD\w*|Connection|Commit|Rollback|Close|LastInsertId)$"
)
_FILE_READ = re.compile(r"^tFileInput\w+$")
_FILE_WRITE = re.compile(r"^t(FileOutput\w+|AdvancedFileOutputXML)$")
_FTP = re.compile(r"^t(S?FTP)(\w+)$")
_QUEUE = re.compile(
    r"^t(JMS|Kafka|RabbitMQ|Mom|MQTT|AmazonSQS|SQS|ActiveMQ|PubSub|Kinesis)(Input|Output|Connection)$"
)


@dataclass(frozen=True)
class ComponentKind:
    step: StepKind
    system: str = ""
    """``database``, ``file``, ``http``, ``ftp``, ``queue``, ``email``; empty: touches no system."""
    direction: str = ""


_FIXED: dict[str, ComponentKind] = {
    # HTTP and web services: endpoint from URL / URI / ENDPOINT / WSDL.
    "tRESTClient": ComponentKind(StepKind.CALL, "http", "read/write"),
    "tREST": ComponentKind(StepKind.CALL, "http", "read/write"),
    "tHttpRequest": ComponentKind(StepKind.CALL, "http", "read/write"),
    "tSOAP": ComponentKind(StepKind.CALL, "http", "read/write"),
    "tWebService": ComponentKind(StepKind.CALL, "http", "read/write"),
    "tWebServiceInput": ComponentKind(StepKind.CALL, "http", "read"),
    "tFileFetch": ComponentKind(StepKind.READ, "http", "read"),
    "tRESTRequest": ComponentKind(StepKind.TRIGGER, "http", "read"),
    "tRESTResponse": ComponentKind(StepKind.OTHER),
    "tSendMail": ComponentKind(StepKind.WRITE, "email", "write"),
    "tPOP": ComponentKind(StepKind.READ, "email", "read"),
    "tFileWait": ComponentKind(StepKind.TRIGGER, "file", "read"),
    "tWaitForFile": ComponentKind(StepKind.TRIGGER, "file", "read"),
    "tRunJob": ComponentKind(StepKind.SUBJOB),
    "tDie": ComponentKind(StepKind.ERROR_HANDLER),
    "tLogCatcher": ComponentKind(StepKind.ERROR_HANDLER),
    "tAssertCatcher": ComponentKind(StepKind.ERROR_HANDLER),
    "tWarn": ComponentKind(StepKind.LOG),
    "tLogRow": ComponentKind(StepKind.LOG),
    "tStatCatcher": ComponentKind(StepKind.LOG),
    "tFlowMeterCatcher": ComponentKind(StepKind.LOG),
    "tFlowMeter": ComponentKind(StepKind.LOG),
    "tChronometerStart": ComponentKind(StepKind.LOG),
    "tChronometerStop": ComponentKind(StepKind.LOG),
    "tJava": ComponentKind(StepKind.CODE),
    "tJavaRow": ComponentKind(StepKind.CODE),
    "tJavaFlex": ComponentKind(StepKind.CODE),
    "tGroovy": ComponentKind(StepKind.CODE),
    "tGroovyFile": ComponentKind(StepKind.CODE),
    "tSystem": ComponentKind(StepKind.CODE),
    "tLibraryLoad": ComponentKind(StepKind.OTHER),
    "tFilterRow": ComponentKind(StepKind.ROUTE),
    "tLoop": ComponentKind(StepKind.ROUTE),
    "tForeach": ComponentKind(StepKind.ROUTE),
    "tInfiniteLoop": ComponentKind(StepKind.ROUTE),
    "tFlowToIterate": ComponentKind(StepKind.ROUTE),
    "tIterateToFlow": ComponentKind(StepKind.ROUTE),
    "tParallelize": ComponentKind(StepKind.ROUTE),
    "tReplicate": ComponentKind(StepKind.ROUTE),
    "tUnite": ComponentKind(StepKind.ROUTE),
    "tFileList": ComponentKind(StepKind.ROUTE, "file", "read"),
    "tFileExist": ComponentKind(StepKind.OTHER, "file", "read"),
    "tFileCopy": ComponentKind(StepKind.OTHER, "file", "read/write"),
    "tFileDelete": ComponentKind(StepKind.OTHER, "file", "write"),
    "tFileTouch": ComponentKind(StepKind.OTHER, "file", "write"),
    "tFileArchive": ComponentKind(StepKind.OTHER, "file", "write"),
    "tFileUnarchive": ComponentKind(StepKind.OTHER, "file", "read/write"),
    "tFileProperties": ComponentKind(StepKind.OTHER, "file", "read"),
    "tFileRowCount": ComponentKind(StepKind.OTHER, "file", "read"),
    "tCreateTemporaryFile": ComponentKind(StepKind.OTHER, "file", "write"),
    "tPrejob": ComponentKind(StepKind.OTHER),
    "tPostjob": ComponentKind(StepKind.OTHER),
    "tSleep": ComponentKind(StepKind.OTHER),
    "tMsgBox": ComponentKind(StepKind.OTHER),
    "tContextLoad": ComponentKind(StepKind.OTHER),
    "tContextDump": ComponentKind(StepKind.OTHER),
    "tSetGlobalVar": ComponentKind(StepKind.OTHER),
    "tFixedFlowInput": ComponentKind(StepKind.OTHER),
    "tRowGenerator": ComponentKind(StepKind.OTHER),
    "tBufferInput": ComponentKind(StepKind.OTHER),
    "tBufferOutput": ComponentKind(StepKind.OTHER),
    "tHashInput": ComponentKind(StepKind.OTHER),
    "tHashOutput": ComponentKind(StepKind.OTHER),
    "tSetProxy": ComponentKind(StepKind.OTHER),
}
_TRANSFORMS = {
    "tMap",
    "tXMLMap",
    "tJoin",
    "tAggregateRow",
    "tAggregateSortedRow",
    "tSortRow",
    "tUniqRow",
    "tConvertType",
    "tNormalize",
    "tDenormalize",
    "tFilterColumns",
    "tExtractDelimitedFields",
    "tExtractRegexFields",
    "tExtractXMLField",
    "tExtractJSONFields",
    "tWriteJSONField",
    "tWriteXMLField",
    "tReplace",
    "tSchemaComplianceCheck",
    "tSampleRow",
    "tPivotToColumnsDelimited",
    "tSplitRow",
    "tUnpivotRow",
    "tMemorizeRows",
    "tAddCRCRow",
    "tDenormalizeSortedRow",
}
_ROUTE_TRIGGERS = {
    "cTimer": ("schedule", ""),
    "cQuartz": ("schedule", ""),
    "cREST": ("webhook", "http"),
    "cSOAP": ("webhook", "http"),
    "cHttp": ("webhook", "http"),
    "cFile": ("polling", "file"),
    "cFTP": ("polling", "ftp"),
    "cJMS": ("event", "queue"),
    "cActiveMQ": ("event", "queue"),
    "cKafka": ("event", "queue"),
    "cAMQP": ("event", "queue"),
    "cMQTT": ("event", "queue"),
}
"""Camel (Talend ESB route) components that start a route when first in it: trigger kind, system."""


def classify(component: str) -> ComponentKind:
    """The step kind and system of a Talend component; ``UNKNOWN`` when its name is not known."""
    if component in _FIXED:
        return _FIXED[component]
    if component in _TRANSFORMS:
        return ComponentKind(StepKind.TRANSFORM)
    if match := _DB.match(component):
        role = match.group(1)
        if role == "Input":
            return ComponentKind(StepKind.READ, "database", "read")
        if role.startswith(("Output", "BulkExec", "SCD")):
            return ComponentKind(StepKind.WRITE, "database", "write")
        if role in ("Row", "SP"):
            return ComponentKind(StepKind.CALL, "database", "read/write")
        return ComponentKind(StepKind.OTHER, "database")
    if _FILE_READ.match(component):
        return ComponentKind(StepKind.READ, "file", "read")
    if _FILE_WRITE.match(component):
        return ComponentKind(StepKind.WRITE, "file", "write")
    if match := _FTP.match(component):
        role = match.group(2)
        if role in ("Get", "FileList", "FileExist", "FileProperties"):
            return ComponentKind(StepKind.READ, "ftp", "read")
        if role in ("Put", "Delete", "Rename", "Truncate"):
            return ComponentKind(StepKind.WRITE, "ftp", "write")
        return ComponentKind(StepKind.OTHER, "ftp")
    if match := _QUEUE.match(component):
        role = match.group(2)
        if role == "Input":
            return ComponentKind(StepKind.TRIGGER, "queue", "read")
        if role == "Output":
            return ComponentKind(StepKind.WRITE, "queue", "write")
        return ComponentKind(StepKind.OTHER, "queue")
    if component in ("cMessagingEndpoint", "cProcessor", "cSetBody", "cSetHeader", "cLog"):
        kinds = {"cProcessor": StepKind.CODE, "cLog": StepKind.LOG}
        return ComponentKind(kinds.get(component, StepKind.OTHER))
    if component in ("cErrorHandler", "cOnException", "cTry", "cCatch", "cFinally"):
        return ComponentKind(StepKind.ERROR_HANDLER)
    if component in ("cMessageRouter", "cRecipientList", "cLoadBalancer", "cSplitter", "cLoop"):
        return ComponentKind(StepKind.ROUTE)
    if component in _ROUTE_TRIGGERS:
        system = _ROUTE_TRIGGERS[component][1]
        return ComponentKind(StepKind.CALL if system else StepKind.TRIGGER, system, "read/write")
    return ComponentKind(StepKind.UNKNOWN)


def endpoint_system(uri: str) -> str:
    """The system a Camel endpoint URI reaches, from its scheme (``http4:``, ``jms:``, ``file:``)."""
    scheme = uri.split(":", 1)[0].lower() if ":" in uri else ""
    for system, schemes in (
        ("http", ("http", "http4", "https", "https4", "jetty", "cxf", "cxfrs", "rest", "servlet")),
        ("queue", ("jms", "activemq", "kafka", "amqp", "rabbitmq", "mqtt", "sjms")),
        ("file", ("file",)),
        ("ftp", ("ftp", "ftps", "sftp")),
        ("email", ("smtp", "smtps", "imap", "imaps", "pop3")),
        ("database", ("jdbc", "sql", "jpa")),
    ):
        if scheme in schemes:
            return system
    return "application" if scheme else ""


def route_trigger(component: str, uri: str) -> tuple[str, str] | None:
    """(trigger kind, system) when a Camel component starts a route, from its name or URI scheme."""
    if component in _ROUTE_TRIGGERS:
        return _ROUTE_TRIGGERS[component]
    scheme = uri.split(":", 1)[0].lower() if ":" in uri else ""
    return {
        "timer": ("schedule", ""),
        "quartz": ("schedule", ""),
        "quartz2": ("schedule", ""),
        "jetty": ("webhook", "http"),
        "servlet": ("webhook", "http"),
        "cxfrs": ("webhook", "http"),
        "cxf": ("webhook", "http"),
        "file": ("polling", "file"),
        "ftp": ("polling", "ftp"),
        "sftp": ("polling", "ftp"),
        "jms": ("event", "queue"),
        "activemq": ("event", "queue"),
        "kafka": ("event", "queue"),
        "amqp": ("event", "queue"),
    }.get(scheme)


# -- tMap expressions ---------------------------------------------------------------------

_STRINGS = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])\'')
_REFERENCE = re.compile(
    r"^\(*\s*(?:\(\s*[A-Za-z_][\w.]*\s*\)\s*)?([A-Za-z_]\w*)\.[A-Za-z_]\w*\s*\)*$"
)
_LITERAL = re.compile(
    r"^(?:-?\d+(?:\.\d+)?[lLfFdD]?|true|false|null|\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])')$"
)
_TABLE_REF = re.compile(r"\b([A-Za-z_]\w*)\.[A-Za-z_]\w*")


def mapping_kind(expression: str, lookup_tables: set[str]) -> MappingKind:
    """Conditional before lookup before direct, formula or constant (see module docstring)."""
    text = expression.strip()
    bare = _STRINGS.sub('""', text)
    if re.search(r"\?[^:]*:", bare) or re.match(r"^if\b", bare):
        return MappingKind.CONDITIONAL
    if any(m.group(1) in lookup_tables for m in _TABLE_REF.finditer(bare)):
        return MappingKind.LOOKUP
    if _LITERAL.match(text):
        return MappingKind.CONSTANT
    if _REFERENCE.match(bare):
        return MappingKind.DIRECT
    return MappingKind.FORMULA


def number(expression: str) -> float | None:
    """A parameter's numeric value (``30``, ``"30"``), else ``None`` (an expression, empty)."""
    text = plain_value(expression)
    try:
        return float(text)
    except ValueError:
        return None
