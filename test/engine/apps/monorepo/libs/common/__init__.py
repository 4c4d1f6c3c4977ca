"""A library shared by the services of the monorepo."""


def greeting(name):
    return {"hello": name, "from": "common"}
