"""Lambda Workbench: Python runtime client (implementation; the entry point is bootstrap.py).

Behaves like AWS's managed Python runtime (its /var/runtime/bootstrap.py plus the
awslambdaric package): same sys.path, handler resolution, init-error types and
messages, context object, logging format, JSON (de)serialisation and error bodies.
Differences are deliberate and listed in README.md.

Standard library only: the env runs Debian's /usr/bin/python3.11 with nothing else.
The HTTP exchange with the Runtime API is hand-written over one keep-alive socket,
because http.client (email.parser header parsing, many small reads) costs several
times more per invoke and the warm path must stay far below 1 ms.

This lives in a module rather than in bootstrap.py because a script run as __main__
is compiled from source at every start (about 5 ms for this file), while an imported
module can be loaded from a .pyc compiled once at image build.
"""

import json
import logging
import os
import socket
import sys
import time
import traceback

# --------------------------------------------------------------------------------------
# Constants (same strings as awslambdaric, so error bodies and logs match AWS)

_MARSHAL_ERROR = "Runtime.MarshalError"
_UNMARSHAL_ERROR = "Runtime.UnmarshalError"
_USER_CODE_SYNTAX_ERROR = "Runtime.UserCodeSyntaxError"
_HANDLER_NOT_FOUND = "Runtime.HandlerNotFound"
_IMPORT_MODULE_ERROR = "Runtime.ImportModuleError"
_BUILT_IN_MODULE_CONFLICT = "Runtime.BuiltInModuleConflict"
_MALFORMED_HANDLER_NAME = "Runtime.MalformedHandlerName"
_CONTEXT_UNMARSHAL_ERROR = "Runtime.LambdaContextUnmarshalError"

# Printed (as a WARNING log record) before an init error, like the managed runtime does.
# The trailing "\r" is AWS's too.
_UNHANDLED_EXCEPTION_WARNING = (
    "LAMBDA_WARNING: "
    "Unhandled exception. "
    "The most likely cause is an issue in the function code. "
    "However, in rare cases, a Lambda runtime update can cause unexpected function behavior. "
    "For functions using managed runtimes, runtime updates can be triggered by a function change, "
    "or can be applied automatically. "
    "To determine if the runtime has been updated, check the runtime version in the INIT_START log entry. "
    "If this error correlates with a change in the runtime version, you may be able to mitigate this "
    "error by temporarily rolling back to the previous runtime version. "
    "For more information, see https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html\r"
)

# Stack trace lines in the logged error use NO-BREAK SPACE for their indentation, as
# the managed runtime does (CloudWatch would otherwise trim the leading spaces).
_ERROR_LOG_INDENT = "\u00a0"

_API_PREFIX = "/2018-06-01/runtime"


class FaultException(Exception):
    """A runtime-detected failure with a fixed Lambda error type (awslambdaric's name)."""

    def __init__(self, exception_type, msg, trace=None):
        self.msg = msg
        self.exception_type = exception_type
        self.trace = trace


# --------------------------------------------------------------------------------------
# JSON, as awslambdaric serialises it (it uses simplejson with use_decimal=False and a
# default() that emits Decimal as its raw text, NaN decimals as NaN; bytes nested in the
# result are decoded as UTF-8; objects with _asdict() become objects; allow_nan=True;
# ensure_ascii=False only for python3.12 and later).

_PY312_PLUS_ENVS = {
    "AWS_Lambda_python3.12",
    "AWS_Lambda_python3.13",
    "AWS_Lambda_python3.14",
    "AWS_Lambda_python3.15",
}

# The stdlib encoder cannot emit raw text from default(), so a Decimal is replaced by a
# marker string that is swapped for the number's text after encoding. The marker holds a
# NUL (always escaped as \u0000 in JSON output) and a random nonce, so no user string can
# produce the same encoded text. This path only runs when a Decimal is present.
_RAW_NONCE = os.urandom(8).hex()
_RAW_MARK = "\x00lwb-raw-" + _RAW_NONCE + ":"
_raw_values = []


def _json_default(o):
    dec = sys.modules.get("decimal")  # no import: if decimal is not loaded, o is no Decimal
    if dec is not None and isinstance(o, dec.Decimal):
        if o.is_nan():
            return float("nan")
        _raw_values.append(str(o))
        return _RAW_MARK + str(len(_raw_values) - 1)
    if isinstance(o, bytes):
        return o.decode("utf-8")  # simplejson's encoding="utf-8" behaviour
    asdict = getattr(o, "_asdict", None)
    if asdict is not None and callable(asdict):  # simplejson's namedtuple_as_object
        return asdict()
    raise TypeError(f"Object of type {o.__class__.__name__} is not JSON serializable")


_encoder = json.JSONEncoder(
    ensure_ascii=os.environ.get("AWS_EXECUTION_ENV") not in _PY312_PLUS_ENVS,
    allow_nan=True,
    default=_json_default,
)
_encode = _encoder.encode


def _restore_raw(s):
    import re

    values = _raw_values[:]
    pattern = re.compile('"\\\\u0000lwb-raw-' + _RAW_NONCE + ':([0-9]+)"')
    return pattern.sub(lambda m: values[int(m.group(1))], s)


def to_json(obj):
    try:
        s = _encode(obj)
        if _raw_values:
            s = _restore_raw(s)
        return s
    finally:
        if _raw_values:
            _raw_values.clear()


_json_loads = json.loads


# --------------------------------------------------------------------------------------
# Context object (attribute names and repr as awslambdaric's LambdaContext)

_environ = os.environ
# Read once: these never change during the env's life, and os.environ lookups per
# invoke are measurable.
_LOG_GROUP_NAME = _environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
_LOG_STREAM_NAME = _environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
_FUNCTION_NAME = _environ.get("AWS_LAMBDA_FUNCTION_NAME")
_MEMORY_LIMIT_IN_MB = _environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")  # a str on AWS too
_FUNCTION_VERSION = _environ.get("AWS_LAMBDA_FUNCTION_VERSION")

_time = time.time


class LambdaContext(object):
    def __init__(self, invoke_id, client_context, cognito_identity,
                 epoch_deadline_time_in_ms, invoked_function_arn=None, tenant_id=None):
        self.aws_request_id = invoke_id
        self.log_group_name = _LOG_GROUP_NAME
        self.log_stream_name = _LOG_STREAM_NAME
        self.function_name = _FUNCTION_NAME
        self.memory_limit_in_mb = _MEMORY_LIMIT_IN_MB
        self.function_version = _FUNCTION_VERSION
        self.invoked_function_arn = invoked_function_arn
        self.tenant_id = tenant_id

        if client_context is None:
            self.client_context = None
        else:
            cc = _obj_from_dict(ClientContext, client_context)
            cc.client = _obj_from_dict(Client, cc.client)
            self.client_context = cc

        # Always an object (fields None without a Cognito identity), as on AWS.
        identity = CognitoIdentity()
        if cognito_identity is None:
            identity.cognito_identity_id = None
            identity.cognito_identity_pool_id = None
        else:
            identity.cognito_identity_id = cognito_identity.get("cognitoIdentityId")
            identity.cognito_identity_pool_id = cognito_identity.get("cognitoIdentityPoolId")
        self.identity = identity

        self._epoch_deadline_time_in_ms = epoch_deadline_time_in_ms

    def get_remaining_time_in_millis(self):
        delta_ms = self._epoch_deadline_time_in_ms - int(_time() * 1000)
        return delta_ms if delta_ms > 0 else 0

    def log(self, msg):
        sys.stdout.write(str(msg))

    def __repr__(self):
        return (
            f"{self.__class__.__name__}(["
            f"aws_request_id={self.aws_request_id},"
            f"log_group_name={self.log_group_name},"
            f"log_stream_name={self.log_stream_name},"
            f"function_name={self.function_name},"
            f"memory_limit_in_mb={self.memory_limit_in_mb},"
            f"function_version={self.function_version},"
            f"invoked_function_arn={self.invoked_function_arn},"
            f"client_context={self.client_context},"
            f"identity={self.identity},"
            f"tenant_id={self.tenant_id}"
            "])"
        )


class CognitoIdentity(object):
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]

    def __repr__(self):
        return (
            f"{self.__class__.__name__}(["
            f"cognito_identity_id={self.cognito_identity_id},"
            f"cognito_identity_pool_id={self.cognito_identity_pool_id}"
            "])"
        )


class Client(object):
    __slots__ = ["installation_id", "app_title", "app_version_name",
                 "app_version_code", "app_package_name"]

    def __repr__(self):
        return (
            f"{self.__class__.__name__}(["
            f"installation_id={self.installation_id},"
            f"app_title={self.app_title},"
            f"app_version_name={self.app_version_name},"
            f"app_version_code={self.app_version_code},"
            f"app_package_name={self.app_package_name}"
            "])"
        )


class ClientContext(object):
    __slots__ = ["custom", "env", "client"]

    def __repr__(self):
        return (
            f"{self.__class__.__name__}(["
            f"custom={self.custom},"
            f"env={self.env},"
            f"client={self.client}"
            "])"
        )


def _obj_from_dict(cls, d):
    if d is None:
        return None
    obj = cls()
    for field in cls.__slots__:
        setattr(obj, field, d.get(field, None))
    return obj


def _parse_json_header(value, name):
    try:
        return _json_loads(value)
    except Exception as e:
        raise FaultException(
            _CONTEXT_UNMARSHAL_ERROR, "Unable to parse {} JSON: {}".format(name, str(e)), None
        )


# --------------------------------------------------------------------------------------
# Logging

_GLOBAL_AWS_REQUEST_ID = None
_GLOBAL_TENANT_ID = None


def _log_level_from_env(value):
    # awslambdaric: unset -> "", TRACE -> DEBUG, anything else upper-cased; an unknown
    # name leaves the root logger at Python's default (WARNING).
    return {None: "", "TRACE": "DEBUG"}.get(value, value).upper()


_LOG_FORMAT_JSON = (_environ.get("AWS_LAMBDA_LOG_FORMAT") or "").upper() == "JSON"
_LOG_LEVEL = _log_level_from_env(_environ.get("AWS_LAMBDA_LOG_LEVEL"))


class Unbuffered(object):
    """sys.stdout/sys.stderr wrapper the managed runtime installs: flush on every write,
    so output is in the pipe before the response is posted."""

    def __init__(self, stream):
        self.stream = stream

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, exc_tb):
        pass

    def __getattr__(self, attr):
        return getattr(self.stream, attr)

    def write(self, msg):
        self.stream.write(msg)
        self.stream.flush()

    def writelines(self, msgs):
        self.stream.writelines(msgs)
        self.stream.flush()


class LambdaLoggerHandler(logging.Handler):
    def emit(self, record):
        # No try/except: the managed runtime lets formatting errors reach the caller.
        msg = self.format(record)
        # On AWS each record is one telemetry frame (one CloudWatch event). Our stdout is
        # a plain byte stream, so make sure a record never shares a line with the next
        # one (records with exc_info end without a newline).
        if msg[-1:] != "\n":
            msg += "\n"
        sys.stdout.write(msg)


class LambdaLoggerFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = _GLOBAL_AWS_REQUEST_ID or ""
        record.tenant_id = _GLOBAL_TENANT_ID
        return True


_JSON_RESERVED_FIELDS = {
    "name", "msg", "args", "levelname", "levelno", "pathname", "filename", "module",
    "exc_info", "exc_text", "stack_info", "lineno", "funcName", "created", "msecs",
    "relativeCreated", "thread", "threadName", "processName", "process",
    "aws_request_id", "tenant_id", "_frame_type", "taskName",
}


class JsonFormatter(logging.Formatter):
    """AWS_LAMBDA_LOG_FORMAT=JSON record layout (as awslambdaric's JsonFormatter)."""

    _encode = json.JSONEncoder(ensure_ascii=False).encode

    def __init__(self):
        super().__init__(datefmt="%Y-%m-%dT%H:%M:%SZ")

    def format(self, record):
        record.levelno = min(50, max(0, record.levelno)) // 10 * 10
        record.levelname = logging.getLevelName(record.levelno)
        exc_info = record.exc_info
        result = {
            "timestamp": self.formatTime(record, self.datefmt),
            "level": record.levelname,
            "message": record.getMessage(),
            "logger": record.name,
            "stackTrace": traceback.format_tb(exc_info[2]) if exc_info else None,
            "errorType": exc_info[0].__name__ if exc_info else None,
            "errorMessage": str(exc_info[1]) if exc_info else None,
            "requestId": getattr(record, "aws_request_id", None),
            "location": (f"{record.pathname}:{record.funcName}:{record.lineno}"
                         if exc_info else None),
        }
        if getattr(record, "tenant_id", None) is not None:
            result["tenantId"] = record.tenant_id
        result.update(
            (k, v) for k, v in record.__dict__.items()
            if k not in _JSON_RESERVED_FIELDS and k not in result
        )
        result = {k: v for k, v in result.items() if v is not None}
        return self._encode(result) + "\n"


def _setup_logging():
    # AWS sets this on the Formatter class itself, so user formatters log in UTC too.
    logging.Formatter.converter = time.gmtime
    logger = logging.getLogger()
    handler = LambdaLoggerHandler()
    if _LOG_FORMAT_JSON:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(
            "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
            "%Y-%m-%dT%H:%M:%S",
        ))
    # Like AWS: without AWS_LAMBDA_LOG_LEVEL the root logger keeps Python's default
    # level (WARNING), which is why logger.info() is silent on Lambda until the
    # function calls setLevel().
    if _LOG_LEVEL in logging._nameToLevel:
        logger.setLevel(_LOG_LEVEL)
    handler.addFilter(LambdaLoggerFilter())
    logger.addHandler(handler)


def _replace_indentation(line):
    n = len(line) - len(line.lstrip(" "))
    return _ERROR_LOG_INDENT * n + line[n:]


def log_error(error_result):
    """Write an error the way the managed runtime logs it, as one write."""
    if _LOG_FORMAT_JSON:
        record = {
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "log_level": "ERROR",
        }
        record.update(error_result)
        sys.stdout.write(to_json(record) + "\n")
        return

    description = "[ERROR]"
    error_type = error_result.get("errorType")
    if error_type:
        description += " " + error_type
    error_message = error_result.get("errorMessage")
    if error_message:
        if error_type:
            description += ":"
        description += " " + error_message
    lines = [description]
    stack_trace = error_result.get("stackTrace")
    if stack_trace is not None:
        lines.append("Traceback (most recent call last):")
        for element in stack_trace:
            if element == "":
                lines.append("")
            else:
                lines.extend(_replace_indentation(l) for l in element.splitlines())
    # AWS sends the block as one telemetry frame; "\n"-joined lines in one write is the
    # closest a byte stream gets (awslambdaric's stdout sink uses "\r" as separator so
    # a line splitter keeps it together, which renders badly in a terminal).
    sys.stdout.write("\n".join(lines) + "\n")


# --------------------------------------------------------------------------------------
# Errors


def make_error(error_message, error_type, stack_trace, invoke_id=None):
    return {
        "errorMessage": error_message if error_message else "",
        "errorType": error_type if error_type else "",
        "requestId": invoke_id if invoke_id is not None else "",
        "stackTrace": stack_trace if stack_trace else [],
    }


def _user_frames(tb):
    # Drop the runtime's leading frames, keep everything from the first foreign frame
    # on (AWS drops frames of files named "*/bootstrap.py", i.e. its own runtime files;
    # ours are bootstrap.py and this module). Tuples, not FrameSummary objects, so that
    # format_list prints no "^^^^" column markers, like AWS.
    frames = [(f.filename, f.lineno, f.name, f.line) for f in traceback.extract_tb(tb)]
    for i in range(len(frames)):
        filename = frames[i][0]
        if "/bootstrap.py" not in filename and filename != __file__:
            return frames[i:]
    return frames


def _build_fault_result(exc_info, msg, invoke_id=None):
    etype, value, tb = exc_info
    return make_error(
        msg if msg else str(value),
        etype.__name__,
        traceback.format_list(_user_frames(tb)),
        invoke_id,
    )


# --------------------------------------------------------------------------------------
# Runtime API client: HTTP/1.1 by hand over one persistent socket.


class _ConnectionLost(Exception):
    pass


class RuntimeAPIClient(object):
    def __init__(self, address):
        self.address = address
        host, _, port = address.rpartition(":")
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
        self._target = (host or "127.0.0.1", int(port or 9001))
        self._sock = None
        self._buf = b""
        self._received = False
        py = "%d.%d.%d" % sys.version_info[:3]
        self._common = ("Host: %s\r\nUser-Agent: aws-lambda-python/%s-lwb\r\n"
                        % (address, py)).encode("latin-1")
        self._next_request = (b"GET " + _API_PREFIX.encode() + b"/invocation/next HTTP/1.1\r\n"
                              + self._common + b"\r\n")
        self._invocation_prefix = b"POST " + _API_PREFIX.encode() + b"/invocation/"

    # -- connection ------------------------------------------------------------------

    def _connect(self):
        sock = socket.create_connection(self._target)  # blocking, no timeout (/next long-polls)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock = sock
        self._buf = b""
        return sock

    def _close(self):
        if self._sock is not None:
            try:
                self._sock.close()
            except OSError:
                pass
        self._sock = None
        self._buf = b""

    def _exchange(self, head, body=b""):
        """Send one request, return (status, headers, body). Retries once on a fresh
        connection when a reused keep-alive connection turns out to be dead before any
        byte of the answer arrived."""
        for attempt in (0, 1):
            sock = self._sock
            fresh = sock is None
            if fresh:
                sock = self._connect()
            send_error = None
            try:
                if not body:
                    sock.sendall(head)
                elif len(body) <= 65536:
                    sock.sendall(head + body)  # one segment, one syscall
                else:
                    self._send_large(sock, head, body)  # no copy of a big body
            except OSError as e:
                # The server may still have answered (e.g. 413 then close): read it.
                send_error = e
            self._received = False
            try:
                return self._read_response(sock)
            except (OSError, _ConnectionLost) as e:
                received = self._received
                self._close()
                if fresh or attempt or received:
                    raise (send_error or e)

    @staticmethod
    def _send_large(sock, head, body):
        view = memoryview(body)
        sent = sock.sendmsg([head, view])
        if sent < len(head):
            sock.sendall(head[sent:])
            sock.sendall(view)
        else:
            sock.sendall(view[sent - len(head):])

    def _read_response(self, sock):
        recv = sock.recv
        buf = self._buf
        while True:
            end = buf.find(b"\r\n\r\n")
            if end >= 0:
                head = buf[:end].decode("latin-1")
                rest = buf[end + 4:]
                lines = head.split("\r\n")
                status = int(lines[0].split(" ", 2)[1])
                if 100 <= status < 200:  # interim answer (e.g. 100 Continue): skip it
                    buf = rest
                    continue
                break
            data = recv(65536)
            if not data:
                raise _ConnectionLost("Runtime API closed the connection")
            self._received = True
            buf += data

        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()

        length = headers.get("content-length")
        if length is not None:
            length = int(length)
            have = len(rest)
            if have >= length:
                self._buf = rest[length:]
                body = rest[:length]
            else:
                self._buf = b""
                body = self._recv_exact(sock, rest, length)
        elif "chunked" in headers.get("transfer-encoding", "").lower():
            body = self._read_chunked(sock, rest)
        elif status in (204, 304):
            self._buf = rest
            body = b""
        else:  # no framing: the body runs to the end of the connection
            parts = [rest]
            while True:
                data = recv(65536)
                if not data:
                    break
                parts.append(data)
            body = b"".join(parts)
            self._close()
            return status, headers, body

        if headers.get("connection", "").lower() == "close":
            self._close()
        return status, headers, body

    @staticmethod
    def _recv_exact(sock, first, length):
        out = bytearray(length)
        view = memoryview(out)
        n = len(first)
        view[:n] = first
        recv_into = sock.recv_into
        while n < length:
            got = recv_into(view[n:], length - n)
            if not got:
                raise _ConnectionLost("Runtime API closed the connection mid-body")
            n += got
        return bytes(out)

    def _read_chunked(self, sock, buf):
        parts = []
        while True:
            while b"\r\n" not in buf:
                data = sock.recv(65536)
                if not data:
                    raise _ConnectionLost("Runtime API closed the connection mid-body")
                buf += data
            line, buf = buf.split(b"\r\n", 1)
            size = int(line.split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                # Skip trailers up to the empty line.
                while True:
                    while b"\r\n" not in buf:
                        data = sock.recv(65536)
                        if not data:
                            raise _ConnectionLost("Runtime API closed the connection mid-body")
                        buf += data
                    line, buf = buf.split(b"\r\n", 1)
                    if not line:
                        self._buf = buf
                        return b"".join(parts)
            while len(buf) < size + 2:
                data = sock.recv(65536)
                if not data:
                    raise _ConnectionLost("Runtime API closed the connection mid-body")
                buf += data
            parts.append(buf[:size])
            buf = buf[size + 2:]

    # -- Runtime API calls --------------------------------------------------------------

    def wait_next_invocation(self):
        try:
            status, headers, body = self._exchange(self._next_request)
        except (OSError, _ConnectionLost):
            raise RuntimeError("Failed to get next")
        if not 200 <= status < 300:
            raise RuntimeError("Failed to get next")
        return headers, body

    def _post(self, path, body, extra_headers):
        head = b"".join((
            path, b" HTTP/1.1\r\n", self._common, extra_headers,
            b"Content-Length: ", str(len(body)).encode(), b"\r\n\r\n",
        ))
        status, _, _ = self._exchange(head, body)
        return status

    def post_invocation_result(self, invoke_id, body, content_type):
        try:
            status = self._post(
                self._invocation_prefix + invoke_id.encode() + b"/response",
                body, b"Content-Type: " + content_type + b"\r\n")
        except (OSError, _ConnectionLost):
            status = 0
        if not 200 <= status < 300:
            # Same outcome as AWS's client: the runtime dies (Lambda then reports the
            # platform error, e.g. Function.ResponseSizeTooLarge after a 413).
            raise RuntimeError("Failed to post invocation response")

    def post_invocation_error(self, invoke_id, error_json, error_type):
        try:
            status = self._post(
                self._invocation_prefix + invoke_id.encode() + b"/error",
                error_json.encode("utf-8"),
                b"Content-Type: application/json\r\nLambda-Runtime-Function-Error-Type: "
                + _header_value(error_type) + b"\r\n")
        except (OSError, _ConnectionLost):
            status = 0
        if not 200 <= status < 300:
            raise RuntimeError("Failed to post invocation error")

    def post_init_error(self, error_result):
        body = to_json(error_result).encode("utf-8")
        status = self._post(
            b"POST " + _API_PREFIX.encode() + b"/init/error", body,
            b"Content-Type: application/json\r\nLambda-Runtime-Function-Error-Type: "
            + _header_value(error_result["errorType"]) + b"\r\n")
        if not 200 <= status < 300:
            raise RuntimeError("Failed to post init error: HTTP %d" % status)


def _header_value(value):
    # Header values cannot carry line breaks; exception class names practically never
    # do, but a crafted one must not corrupt the request.
    return str(value).replace("\r", " ").replace("\n", " ").encode("utf-8")


# --------------------------------------------------------------------------------------
# Handler resolution (awslambdaric's _get_handler)


def _get_handler(handler):
    import importlib

    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise FaultException(
            _MALFORMED_HANDLER_NAME, "Bad handler '{}': {}".format(handler, str(e))
        )

    try:
        if modname.split(".")[0] in sys.builtin_module_names:
            raise FaultException(
                _BUILT_IN_MODULE_CONFLICT,
                "Cannot use built-in module {} as a handler module".format(modname),
            )
        module = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        raise FaultException(
            _IMPORT_MODULE_ERROR, "Unable to import module '{}': {}".format(modname, str(e))
        )
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise FaultException(
            _USER_CODE_SYNTAX_ERROR,
            "Syntax error in module '{}': {}".format(modname, str(e)),
            trace,
        )

    try:
        return getattr(module, fname)
    except AttributeError:
        raise FaultException(
            _HANDLER_NOT_FOUND, "Handler '{}' missing on module '{}'".format(fname, modname), None
        )


# --------------------------------------------------------------------------------------
# The invoke loop


def _flush_output():
    # Everything the invocation wrote must be in the pipes before the result is posted
    # (the init drains them before forwarding the result). The Unbuffered wrappers make
    # this a no-op normally; it matters when user code swapped sys.stdout for a
    # buffered stream.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass


def _run_loop(client, request_handler):
    global _GLOBAL_AWS_REQUEST_ID, _GLOBAL_TENANT_ID

    environ = os.environ
    next_invocation = client.wait_next_invocation
    post_result = client.post_invocation_result
    encode = _encode
    loads = _json_loads
    flush = _flush_output
    ctype_json = b"application/json"
    ctype_bytes = b"application/unknown"

    while True:
        headers, event_body = next_invocation()
        get = headers.get
        invoke_id = get("lambda-runtime-aws-request-id", "")
        tenant_id = get("lambda-runtime-aws-tenant-id") or None
        _GLOBAL_AWS_REQUEST_ID = invoke_id
        _GLOBAL_TENANT_ID = tenant_id

        trace_id = get("lambda-runtime-trace-id")
        if trace_id:
            environ["_X_AMZN_TRACE_ID"] = trace_id
        elif "_X_AMZN_TRACE_ID" in environ:
            del environ["_X_AMZN_TRACE_ID"]

        error_result = None
        try:
            client_context = get("lambda-runtime-client-context")
            cognito_identity = get("lambda-runtime-cognito-identity")
            context = LambdaContext(
                invoke_id,
                _parse_json_header(_utf8(client_context), "Client Context")
                if client_context else None,
                _parse_json_header(_utf8(cognito_identity), "Cognito Identity")
                if cognito_identity else None,
                int(get("lambda-runtime-deadline-ms") or 0),
                get("lambda-runtime-invoked-function-arn"),
                tenant_id,
            )

            # A missing Content-Type counts as JSON (real Lambda always sends
            # application/json); any other type hands the raw bytes over, as AWS does.
            content_type = get("content-type")
            if content_type is None or content_type == "application/json":
                try:
                    event = loads(event_body)
                except Exception as e:
                    raise FaultException(
                        _UNMARSHAL_ERROR, "Unable to unmarshal input: {}".format(str(e)), None)
            else:
                event = event_body

            response = request_handler(event, context)

            if isinstance(response, bytes):
                result, result_type = response, ctype_bytes
            else:
                try:
                    result = encode(response)
                    if _raw_values:
                        result = _restore_raw(result)
                except Exception as e:
                    raise FaultException(
                        _MARSHAL_ERROR, "Unable to marshal response: {}".format(str(e)), None)
                finally:
                    if _raw_values:
                        _raw_values.clear()
                result_type = ctype_json
        except FaultException as e:
            error_result = make_error(e.msg, e.exception_type, e.trace, invoke_id)
        except Exception:
            error_result = _build_fault_result(sys.exc_info(), None, invoke_id)

        if error_result is None:
            if result_type is ctype_json:
                result = result.encode("utf-8")
            flush()
            post_result(invoke_id, result, result_type)
        else:
            log_error(error_result)
            flush()
            client.post_invocation_error(invoke_id, to_json(error_result),
                                         error_result["errorType"])


def _utf8(latin1_text):
    # Header values are decoded as latin-1 (lossless); JSON headers are UTF-8 on the wire.
    try:
        return latin1_text.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return latin1_text


# --------------------------------------------------------------------------------------
# Start-up (the managed runtime's /var/runtime/bootstrap.py, then awslambdaric.run)


def _set_default_sys_path(task_root):
    # Lambda's order: /var/task, /opt/python/lib/pythonX.Y/site-packages, /opt/python,
    # then the runtime directory and the interpreter's own paths. With PYTHONPATH set
    # by the user, the /opt entries are left out (AWS does the same).
    if "PYTHONPATH" not in os.environ:
        sys.path.insert(0, "/opt/python")
        sys.path.insert(0, _opt_site_packages())
    sys.path.insert(0, task_root)


def _opt_site_packages():
    return "/opt/python/lib/python%d.%d/site-packages" % sys.version_info[:2]


def _add_default_site_directories(task_root):
    # Processes .pth files in the code and layer directories. For a directory that does
    # not exist, site.addsitedir appends it to sys.path a second time: AWS's sys.path
    # shows the same duplicate /opt entries at its end.
    import site

    site.addsitedir(task_root)
    if "PYTHONPATH" not in os.environ:
        site.addsitedir(_opt_site_packages())
        site.addsitedir("/opt/python")


def main():
    task_root = os.environ.get("LAMBDA_TASK_ROOT") or "/var/task"
    _set_default_sys_path(task_root)
    _add_default_site_directories(task_root)
    if "PYTHONPATH" not in os.environ:
        # Documented Lambda behaviour: PYTHONPATH is the runtime directory, which
        # subprocesses inherit.
        os.environ["PYTHONPATH"] = os.environ.get("LAMBDA_RUNTIME_DIR") or "/var/runtime"

    handler = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("_HANDLER", "")
    client = RuntimeAPIClient(os.environ.get("AWS_LAMBDA_RUNTIME_API") or "127.0.0.1:9001")

    sys.stdout = Unbuffered(sys.stdout)
    sys.stderr = Unbuffered(sys.stderr)

    error_result = None
    try:
        _setup_logging()
        request_handler = _get_handler(handler)
    except FaultException as e:
        error_result = make_error(e.msg, e.exception_type, e.trace)
    except Exception:
        error_result = _build_fault_result(sys.exc_info(), None)

    if error_result is not None:
        logging.warning(_UNHANDLED_EXCEPTION_WARNING)
        log_error(error_result)
        _flush_output()
        client.post_init_error(error_result)
        sys.exit(1)

    _run_loop(client, request_handler)

