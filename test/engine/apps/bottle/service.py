import bottle


@bottle.route("/healthz")
def healthz():
    return {"ok": True}


@bottle.route("/api/framework")
def framework():
    return {"framework": "bottle"}


app = bottle.default_app()
