from flask import Flask

app = Flask(__name__)


@app.route("/api/leaves")
def leaves():
    return "This tree has leaves"
