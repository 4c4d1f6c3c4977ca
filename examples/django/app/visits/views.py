from django.http import JsonResponse

from .models import Visit


def healthz(request):
    return JsonResponse({"ok": True})


def visits(request):
    if request.method == "POST":
        Visit.objects.create()
    return JsonResponse({"visits": Visit.objects.count()})
