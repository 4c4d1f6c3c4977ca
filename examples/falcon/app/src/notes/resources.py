import falcon


class NoteResource:
    def __init__(self):
        self._notes = {"1": {"id": "1", "text": "served by gunicorn"}}

    def on_get(self, req, resp, note_id):
        note = self._notes.get(note_id)
        if note is None:
            raise falcon.HTTPNotFound()
        resp.media = note


class HealthResource:
    def on_get(self, req, resp):
        resp.media = {"ok": True}
