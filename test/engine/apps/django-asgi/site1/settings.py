"""A Django project with both wsgi.py and asgi.py, served through ASGI when the construct says so."""
import os

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "engine-test-only-not-a-secret")
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "site1.urls"
INSTALLED_APPS = []
MIDDLEWARE = []
DATABASES = {}
USE_TZ = True
