from flask import Flask

# Fails while the module is imported, as a missing setting or a broken dependency would: the
# module still binds `app` (so synth accepts the entrypoint), but gunicorn never gets it.
raise RuntimeError("boom at import")

app = Flask(__name__)
