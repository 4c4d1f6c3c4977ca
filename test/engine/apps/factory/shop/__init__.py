from flask import Flask


def create_app(config=None):
    app = Flask(__name__)

    @app.get("/healthz")
    def healthz():
        return {"ok": True}

    @app.get("/api/framework")
    def framework():
        return {"framework": "flask-factory"}

    return app
