from flask import Flask

from common import greeting

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    return {"ok": True}


@app.get("/api/greeting")
def hello():
    return greeting("monorepo")
