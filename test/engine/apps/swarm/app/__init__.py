import os
import socket
import sys

from flask import Flask

from .version import HEALTHY, VERSION

app = Flask(__name__)


@app.route("/api/version")
def version():
    return VERSION


@app.route("/api/whoami")
def whoami():
    # The task's container hostname: tells replicas apart.
    return socket.gethostname()


@app.route("/api/env/<name>")
def env(name):
    return "<set>" if name in os.environ else "<unset>"


@app.route("/api/secret-length/<name>")
def secret_length(name):
    # Proves the secret reached the app without ever answering with it.
    return str(len(os.environ.get(name, "")))


@app.route("/healthz")
def healthz():
    return ("ok", 200) if HEALTHY else ("broken on purpose", 500)


@app.route("/api/log/<int:kib>")
def log(kib):
    # One KiB per line to the task's output, for the log rotation case.
    line = "x" * 1023 + "\n"
    for _ in range(kib):
        sys.stderr.write(line)
    sys.stderr.flush()
    return "logged"
