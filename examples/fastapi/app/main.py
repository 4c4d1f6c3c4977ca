"""A FastAPI service with startup and shutdown work, as cdktf-wsgi serves it: gunicorn and the
uvicorn worker, detected from `app = FastAPI(...)` and a requirements file that lists only fastapi."""
import os
import time

from fastapi import FastAPI

# What the lifespan handlers did, for the engine test and for anyone curious.
state = {"startup_done_at": None, "worker_pid": None}

# Startup work that takes a while, such as warming a cache or opening a pool: no request is
# served, and no health check passes, before it is done.
STARTUP_SECONDS = float(os.environ.get("STARTUP_SECONDS", "2"))


app = FastAPI(title="notes")


# Startup and shutdown handlers run through ASGI's lifespan protocol. on_event works from FastAPI
# 0.92 (Debian bookworm's) to today's; newer code may pass FastAPI(lifespan=...) instead.
@app.on_event("startup")
async def startup():
    time.sleep(STARTUP_SECONDS)
    state["startup_done_at"] = time.time()
    state["worker_pid"] = os.getpid()
    print(f"lifespan startup done in worker {os.getpid()}", flush=True)


@app.on_event("shutdown")
async def shutdown():
    print(f"lifespan shutdown ran in worker {os.getpid()}", flush=True)

NOTES = {"1": "served by gunicorn with the uvicorn worker"}


@app.get("/healthz")
async def healthz():
    return {"ok": True}


@app.get("/api/notes/{note_id}")
async def note(note_id: str):
    if note_id not in NOTES:
        from fastapi import HTTPException

        raise HTTPException(status_code=404, detail="no such note")
    return {"id": note_id, "text": NOTES[note_id]}


@app.get("/api/lifespan")
async def lifespan_state():
    return state
