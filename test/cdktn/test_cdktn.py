"""cdktn-wsgi from Python, against PyPI's cdktn and cdktn-provider-docker: a user's own DockerProvider
(alias, host) reaches every docker resource, the escape hatches are cdktn_provider_docker's classes,
and the stacks pin the 4.6.0 line those bindings bind. Run by test/cdktn/run.sh in a venv holding
only the wheel and examples/cdktn/python/requirements.txt."""
import importlib.util
import json
import os
import shutil

import pytest
import cdktn
from cdktn import App, TerraformStack
import cdktn_provider_docker
from cdktn_provider_docker.provider import DockerProvider
from cdktn_wsgi import (HealthCheck, PublishedPort, ReleaseCommand, ServiceMode, UpdateOrder, WsgiContainer, WsgiImage,
                        WsgiService)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SEED = os.path.join(ROOT, "examples", "leaves", "app")


def docker_addresses(stack):
    """Every docker resource and data source of a synthesized stack: address -> its provider (None: the default)."""
    doc = json.loads(cdktn.Testing.synth(stack))
    found = {}
    for kind in ("resource", "data"):
        for rtype, by_name in doc.get(kind, {}).items():
            if rtype.startswith("docker_"):
                for name, body in by_name.items():
                    found[f"{'data.' if kind == 'data' else ''}{rtype}.{name}"] = body.get("provider")
    return doc, found


def test_the_users_aliased_provider_reaches_every_resource():
    app = cdktn.Testing.app()
    stack = TerraformStack(app, "s")
    DockerProvider(stack, "docker")
    remote = DockerProvider(stack, "remote", alias="remote", host="ssh://deploy@build.example.com")
    image = WsgiImage(stack, "Image", source=SEED, entrypoint="manager:app", repository="127.0.0.1:5000/leaves", provider=remote)
    web = WsgiContainer(stack, "Web", image=image, release_command=ReleaseCommand.exec(["python", "-V"]))
    WsgiService(stack, "Svc", image=image, push_to_registry=True, secrets={"TOKEN": "t"}, networks=["backend"],
                mode=ServiceMode.replicated(1))
    doc, found = docker_addresses(stack)
    # The image, its push, the holder's base image, the holder, its destroy guard, the release, app
    # and reconcile containers, a secret, a network lookup and the service.
    assert len(found) == 11, found
    assert set(found.values()) == {"docker.remote"}
    assert doc["provider"]["docker"] == [{}, {"alias": "remote", "host": "ssh://deploy@build.example.com"}]
    assert doc["terraform"]["required_providers"]["docker"]["version"] == "4.6.0"
    assert image.provider is remote
    assert isinstance(web.resource, cdktn_provider_docker.container.Container)
    assert isinstance(image.resource, cdktn_provider_docker.image.Image)
    assert isinstance(web.network_holder, cdktn_provider_docker.container.Container)


def test_without_a_provider_the_stacks_default_one_is_used():
    app = cdktn.Testing.app()
    stack = TerraformStack(app, "s")
    DockerProvider(stack, "docker")
    image = WsgiImage(stack, "Image", source=SEED, entrypoint="manager:app")
    WsgiContainer(stack, "Web", image=image, update_order=UpdateOrder.STOP_FIRST, publish=[PublishedPort(host_port=8999)])
    _, found = docker_addresses(stack)
    assert sorted(a.rsplit("_", 1)[0] for a in found) == [
        "docker_container.Web_App", "docker_container.Web_DestroyGuard", "docker_container.Web_NetworkHolder",
        "docker_container.Web_Reconcile", "docker_image.Image", "docker_image.Web_NetworkHolderImage"]
    assert set(found.values()) == {None}
    assert image.provider is None


def test_a_provider_of_another_stack_is_refused_with_the_whole_message():
    app = cdktn.Testing.app()
    stack = TerraformStack(app, "s")
    other = TerraformStack(app, "other")
    theirs = DockerProvider(other, "docker", alias="far")
    with pytest.raises(Exception) as raised:
        WsgiImage(stack, "Image", source=SEED, entrypoint="manager:app", provider=theirs)
    assert str(raised.value).endswith(
        "s/Image: 'provider' \"other/docker (alias far)\" belongs to the stack other, but this construct is in the stack s. "
        "Fix: create a DockerProvider in this construct's stack and pass that one")


def test_the_python_example_builds_and_runs_through_its_own_provider(tmp_path):
    # Laid out as the README's Python block lays it out: the example's files, the seed app in app/.
    shutil.copy(os.path.join(ROOT, "examples", "cdktn", "python", "main.py"), tmp_path / "main.py")
    shutil.copytree(SEED, tmp_path / "app")
    spec = importlib.util.spec_from_file_location("cdktn_example", tmp_path / "main.py")
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    app = App(outdir=str(tmp_path / "cdktf.out"), stack_traces=False)
    leaves = example.LeavesStack(app, "leaves-cdktn-py")
    swarm = example.SwarmStack(app, "swarm-cdktn-py")
    doc, found = docker_addresses(leaves)
    assert doc["provider"]["docker"] == [{"alias": "engine", "host": "unix:///var/run/docker.sock"}]
    assert sorted(a.rsplit("_", 1)[0] for a in found) == [
        "docker_container.Web", "docker_container.Web_DestroyGuard", "docker_container.Web_NetworkHolder",
        "docker_container.Web_Reconcile", "docker_image.Image", "docker_image.Web_NetworkHolderImage",
    ]
    assert set(found.values()) == {"docker.engine"}
    assert leaves.web.published_ports == ["127.0.0.1:8132/tcp"]
    _, swarm_found = docker_addresses(swarm)
    assert sorted(a.rsplit("_", 1)[0] for a in swarm_found) == ["data.docker_network.Web_HostNetwork", "docker_image.Image", "docker_service.Web"]
    assert swarm.web.published_ports == ["0.0.0.0:8134/tcp"]
    image_doc = json.loads(cdktn.Testing.synth(leaves))
    container = next(iter(image_doc["resource"]["docker_container"].values()))
    assert "healthcheck" in container
    assert isinstance(HealthCheck.http("/"), HealthCheck)
