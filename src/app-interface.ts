/**
 * How the app talks to its server: WSGI (Flask, Django, Falcon, Bottle, Pyramid) or ASGI
 * (FastAPI, Starlette, Quart, Litestar, Django's `asgi.py`). gunicorn serves both; an ASGI app
 * runs in gunicorn's uvicorn worker.
 */
export enum AppInterface {
  /** A WSGI callable, served by gunicorn's own workers (gthread by default). */
  WSGI = 'WSGI',
  /** An ASGI app, served by gunicorn with the uvicorn worker (`WorkerClass.UVICORN`). */
  ASGI = 'ASGI',
}
