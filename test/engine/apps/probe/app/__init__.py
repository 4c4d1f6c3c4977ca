import os
import sys
import time

from flask import Flask

app = Flask(__name__)


@app.route("/api/ok")
def ok():
    return "ok"


@app.route("/api/slow")
def slow():
    time.sleep(float(os.environ.get("SLOW_SECONDS", "2")))
    return "done"


@app.route("/api/fail")
def fail():
    return "broken", 500


@app.route("/api/env/<name>")
def env(name):
    return os.environ.get(name, "<unset>")


@app.route("/api/state/write/<value>")
def write_state(value):
    with open("/data/state.txt", "w") as f:
        f.write(value)
    return "written"


@app.route("/api/state")
def read_state():
    try:
        with open("/data/state.txt") as f:
            return f.read()
    except FileNotFoundError:
        return "<none>"


@app.route("/api/log/<int:kib>")
def log(kib):
    # One KiB per line to the container's output, for the log rotation suites.
    line = "x" * 1023 + "\n"
    for _ in range(kib):
        sys.stderr.write(line)
    sys.stderr.flush()
    return "logged"
