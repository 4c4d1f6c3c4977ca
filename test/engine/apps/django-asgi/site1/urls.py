from django.http import JsonResponse
from django.urls import path


def handler(request):
    # ASGIRequest under the uvicorn worker, WSGIRequest under gunicorn's own workers.
    return JsonResponse({"request": type(request).__name__})


urlpatterns = [path("healthz", handler), path("api/handler", handler)]
