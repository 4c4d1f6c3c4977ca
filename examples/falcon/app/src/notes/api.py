import falcon

from notes.resources import HealthResource, NoteResource

app = falcon.App()
app.add_route("/healthz", HealthResource())
app.add_route("/api/notes/{note_id}", NoteResource())
