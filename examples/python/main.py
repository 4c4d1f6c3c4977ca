#!/usr/bin/env python3
"""The leaves example (examples/leaves) written in Python: the same Flask app, served by gunicorn
on port 8123 inside the image, published on 127.0.0.1:8126 so both examples can run side by side."""
import os

from cdktf import App, LocalBackend, TerraformStack
from cdktf_cdktf_provider_docker.provider import DockerProvider
from constructs import Construct

from cdktf_wsgi import HealthCheck, PublishedPort, WsgiContainer, WsgiImage

HERE = os.path.dirname(os.path.abspath(__file__))


class LeavesStack(TerraformStack):
    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        # Terraform runs in cdktf.out/stacks/<id>: a relative state path keeps the checkout's
        # absolute path out of the synthesized files.
        LocalBackend(self, path=f"../../../terraform.{id}.tfstate")
        DockerProvider(self, "docker")
        # kreuzwerker/docker 4.x; DOCKER_PROVIDER_VERSION=3.6.2 synthesizes for what the cdktf
        # docker bindings pin.
        self.add_override(
            "terraform.required_providers.docker.version",
            os.environ.get("DOCKER_PROVIDER_VERSION", "~> 4.6"),
        )
        self.image = WsgiImage(
            self,
            "Image",
            source=os.path.join(HERE, "..", "leaves", "app"),
            entrypoint="manager:app",
            port=8123,
        )
        self.web = WsgiContainer(
            self,
            "Web",
            image=self.image,
            publish=[PublishedPort(host_port=8126)],
            health_check=HealthCheck.http("/api/leaves"),
        )


app = App(stack_traces=False)
LeavesStack(app, "leaves-py")
app.synth()
