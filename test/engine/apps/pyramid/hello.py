from pyramid.config import Configurator
from pyramid.response import Response


def healthz(request):
    return Response(json_body={"ok": True})


def framework(request):
    return Response(json_body={"framework": "pyramid"})


with Configurator() as config:
    config.add_route("healthz", "/healthz")
    config.add_view(healthz, route_name="healthz")
    config.add_route("framework", "/api/framework")
    config.add_view(framework, route_name="framework")
    app = config.make_wsgi_app()
