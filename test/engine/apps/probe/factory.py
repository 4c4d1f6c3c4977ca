def create_app():
    from app import app

    return app
