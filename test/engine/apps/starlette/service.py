from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route


async def framework(_request):
    return JSONResponse({"framework": "starlette"})


app = Starlette(routes=[Route("/healthz", framework), Route("/api/framework", framework)])
