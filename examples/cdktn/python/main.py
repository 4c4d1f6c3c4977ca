"""The seed app (a Flask app in ./app) on CDK Terrain, from Python: served by a container and by a
Swarm service. The container stack builds and runs through a DockerProvider of its own, with an
alias and a host, passed to the constructs as `provider`."""
import os

from cdktn import App, TerraformStack
from cdktn_provider_docker.provider import DockerProvider
from cdktn_wsgi import HealthCheck, PublishedPort, PublishMode, ServicePort, ServiceMode, WsgiContainer, WsgiImage, WsgiService

HERE = os.path.dirname(os.path.abspath(__file__))


class LeavesStack(TerraformStack):
    def __init__(self, scope, id):
        super().__init__(scope, id)
        engine = DockerProvider(self, "engine", alias="engine", host="unix:///var/run/docker.sock")
        image = WsgiImage(self, "Image", source=os.path.join(HERE, "app"), entrypoint="manager:app", port=8123,
                          provider=engine)
        # The container runs on the image's provider (its default).
        self.web = WsgiContainer(self, "Web", image=image, publish=[PublishedPort(host_port=8132)],
                                 health_check=HealthCheck.http("/api/leaves"))


class SwarmStack(TerraformStack):
    """Run `docker swarm init` on the engine first. Two tasks share port 8134 on the node's host network."""

    def __init__(self, scope, id):
        super().__init__(scope, id)
        DockerProvider(self, "docker")
        image = WsgiImage(self, "Image", source=os.path.join(HERE, "app"), entrypoint="manager:app", port=8123)
        self.web = WsgiService(self, "Web", image=image, mode=ServiceMode.replicated(2),
                               publish=[ServicePort(published_port=8134, mode=PublishMode.HOST_NETWORK)],
                               health_check=HealthCheck.http("/api/leaves"))


if __name__ == "__main__":
    app = App(stack_traces=False)
    LeavesStack(app, "leaves-cdktn-py")
    SwarmStack(app, "swarm-cdktn-py")
    app.synth()
