"""cdktf-wsgi from Python, through the wheel jsii-pacmak builds: every public factory and struct by
its Python name, synth errors as Python exceptions with the library's one-line message, synth
warnings, and the escape hatches to the underlying provider resources."""
import json
import os
import re
import shutil
import tempfile

import pytest
from cdktf import App, TerraformStack
from cdktf_cdktf_provider_docker.container import Container
from cdktf_cdktf_provider_docker.image import Image
from cdktf_cdktf_provider_docker.provider import DockerProvider

from cdktf_wsgi import (
    AppInterface,
    BuildSecret,
    Dependencies,
    DjangoOptions,
    Duration,
    GunicornSettings,
    HealthCheck,
    LogDriver,
    Protocol,
    PublishedPort,
    PublishMode,
    ReleaseCommand,
    RollingUpdateOptions,
    ServiceMode,
    ServicePort,
    UpdateOrder,
    RestartPolicy,
    VolumeMount,
    WorkerClass,
    WsgiContainer,
    WsgiImage,
    WsgiService,
)

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LEAVES = os.path.join(REPO, "examples", "leaves", "app")
DJANGO = os.path.join(REPO, "examples", "django", "app")
FASTAPI = os.path.join(REPO, "examples", "fastapi", "app")


@pytest.fixture
def outdir():
    d = tempfile.mkdtemp(prefix="cdktf-wsgi-py-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


def new_stack(outdir, id="py"):
    app = App(outdir=outdir, stack_traces=False)
    stack = TerraformStack(app, id)
    DockerProvider(stack, "docker")
    return app, stack


def synthesized(outdir, id="py"):
    with open(os.path.join(outdir, "stacks", id, "cdk.tf.json")) as f:
        return json.load(f)


def only(resources):
    assert len(resources) == 1, resources
    return next(iter(resources.values()))


def test_the_leaves_stack_through_python_names(outdir):
    app, stack = new_stack(outdir)
    image = WsgiImage(
        stack,
        "Image",
        source=LEAVES,
        entrypoint="manager:app",
        port=8123,
        gunicorn=GunicornSettings(
            workers=3,
            threads=2,
            worker_class=WorkerClass.GTHREAD,
            timeout=Duration.seconds(45),
            graceful_timeout=Duration.seconds(20),
            keep_alive=Duration.seconds(2),
            access_log=True,
        ),
        build_secrets={"PIP_INDEX_URL": BuildSecret.from_environment("CDKTF_WSGI_PY_INDEX")},
        dependencies=Dependencies.requirements_file("requirements.txt"),
    )
    web = WsgiContainer(
        stack,
        "Web",
        image=image,
        publish=[PublishedPort(host_port=18200, protocol=Protocol.TCP)],
        health_check=HealthCheck.http("/api/leaves", interval=Duration.seconds(5), retries=2),
        restart_policy=RestartPolicy.ALWAYS,
        wait_timeout=Duration.minutes(2),
        memory_mib=256,
        volumes=[VolumeMount(volume_name="leaves-py-data", container_path="/data")],
        labels={"com.example.team": "py"},
    )
    # Composition after construction, rendered at synth.
    web.add_environment("ADDED_LATER", "yes")
    web.add_published_port(host_port=18201)  # a struct parameter is keyword arguments in Python
    app.synth()

    assert image.entrypoint == "manager:app"
    assert image.port == 8123
    assert re.fullmatch(r"[0-9a-f]{64}", image.fingerprint)
    assert image.image_name == f"cdktf-wsgi/py-image:{image.fingerprint[:16]}"
    assert image.graceful_timeout.to_seconds() == 20
    assert web.container_port == 8123
    assert web.stop_timeout.to_seconds() == 25
    assert image.resource.terraform_resource_type == "docker_image"
    assert web.resource.terraform_resource_type == "docker_container"
    assert web.release_resource is None

    tf = synthesized(outdir)
    container = tf["resource"]["docker_container"][web.resource.friendly_unique_id]
    holder = tf["resource"]["docker_container"][web.network_holder.friendly_unique_id]
    assert holder["ports"] == [
        {"external": 18200, "internal": 8123, "ip": "127.0.0.1", "protocol": "tcp"},
        {"external": 18201, "internal": 8123, "ip": "127.0.0.1", "protocol": "tcp"},
    ]
    assert "ports" not in container
    assert "ADDED_LATER=yes" in container["env"]
    assert container["volumes"] == [{"container_path": "/data", "read_only": False, "volume_name": "leaves-py-data"}]
    assert {"label": "com.example.team", "value": "py"} in container["labels"]
    assert container["restart"] == "always"
    assert container["memory"] == 256
    assert container["wait_timeout"] == 120
    assert container["healthcheck"]["interval"] == "5s"
    assert container["healthcheck"]["retries"] == 2
    built = tf["resource"]["docker_image"][image.resource.friendly_unique_id]
    assert built["build"]["secrets"] == [{"env": "CDKTF_WSGI_PY_INDEX", "id": "PIP_INDEX_URL"}]
    with open(os.path.join(outdir, "stacks", "py", image.context_path, ".cdktf-wsgi", "gunicorn.conf.py")) as f:
        conf = f.read()
    assert "timeout = 45" in conf
    assert 'worker_class = "gthread"' in conf


def test_every_factory_is_reachable_by_its_python_name(outdir):
    assert Duration.millis(1500).to_seconds() == 1.5
    assert Duration.minutes(1).to_seconds() == 60
    assert WorkerClass.custom("uvicorn.workers.UvicornWorker").name == "uvicorn.workers.UvicornWorker"
    for dependencies in (
        Dependencies.requirements_file(),
        Dependencies.pyproject(extras=["fast"]),
        Dependencies.poetry_lock(groups=["main"]),
        Dependencies.uv_lock(groups=[], extras=[]),
        Dependencies.pipfile_lock(),
        Dependencies.none(),
    ):
        assert isinstance(dependencies, Dependencies)
    for check in (HealthCheck.http("/"), HealthCheck.command(["true"]), HealthCheck.none()):
        assert isinstance(check, HealthCheck)
    assert isinstance(BuildSecret.from_file("/run/secret"), BuildSecret)
    assert isinstance(ReleaseCommand.exec(["python3", "-m", "flask", "db", "upgrade"]), ReleaseCommand)

    app, stack = new_stack(outdir)
    site = WsgiImage(stack, "Site", source=DJANGO, writable_paths=["/data"], django=DjangoOptions(collect_static=True))
    site_web = WsgiContainer(
        stack,
        "SiteWeb",
        image=site,
        environment={"DJANGO_SECRET_KEY": "k", "DJANGO_ALLOWED_HOSTS": "localhost"},
        release_command=ReleaseCommand.django_migrate(),
    )
    app.synth()
    assert site.entrypoint == "mysite.wsgi:application"
    containers = synthesized(outdir)["resource"]["docker_container"]
    release = containers[site_web.release_resource.friendly_unique_id]
    assert release["name"] == "py-siteweb-release-${substr(uuid(), 0, 8)}"
    assert release["entrypoint"] == ["python3", "-m", "django", "migrate", "--noinput", "--no-color"]


def test_a_synth_error_is_a_python_exception_with_the_one_line_message(outdir):
    app, stack = new_stack(outdir)
    with pytest.raises(Exception) as raised:
        WsgiImage(stack, "Image", source=LEAVES, entrypoint="manager:app", port=0)
    message = str(raised.value)
    assert re.search(
        r"py/Image: 'port' 0 is out of range: must be a whole number from 1 to 65535\. Fix: use the port", message
    ), message
    # Nothing was written: no configuration, no staged context.
    written = [os.path.join(d, f) for d, _, files in os.walk(outdir) for f in files]
    assert written == []


def test_a_misspelled_entrypoint_module_fails_in_python_too(outdir):
    app, stack = new_stack(outdir)
    with pytest.raises(Exception, match=r"py/Image: 'entrypoint' \"nosuchmodule:app\""):
        WsgiImage(stack, "Image", source=LEAVES, entrypoint="nosuchmodule:app")


def test_synth_warnings_are_visible_from_python(outdir):
    app, stack = new_stack(outdir)
    image = WsgiImage(stack, "Image", source=LEAVES, entrypoint="manager:app")
    warnings = [str(m.data) for m in image.node.metadata if m.type == "@cdktf/warn"]
    assert any("gunicorn is not in requirements.txt" in w for w in warnings), warnings


def test_the_escape_hatches_reach_the_provider_resources(outdir):
    app, stack = new_stack(outdir)
    image = WsgiImage(stack, "Image", source=LEAVES, entrypoint="manager:app")
    web = WsgiContainer(stack, "Web", image=image)
    built = image.node.default_child
    run = web.node.default_child
    assert isinstance(built, Image)
    assert isinstance(run, Container)
    # The named escape hatches are the same resources.
    assert isinstance(web.resource, Container) and web.resource.node.path == run.node.path
    assert isinstance(image.resource, Image) and image.resource.node.path == built.node.path
    run.add_override("log_driver", "local")
    built.add_override("force_remove", True)
    app.synth()
    tf = synthesized(outdir)
    assert tf["resource"]["docker_container"][web.resource.friendly_unique_id]["log_driver"] == "local"
    assert tf["resource"]["docker_image"][image.resource.friendly_unique_id]["force_remove"] is True


def test_a_swarm_service_through_python_names(outdir):
    app, stack = new_stack(outdir)
    image = WsgiImage(stack, "Image", source=LEAVES, entrypoint="manager:app", port=8123)
    web = WsgiService(
        stack,
        "Web",
        image=image,
        mode=ServiceMode.replicated(3),
        publish=[ServicePort(published_port=8130, mode=PublishMode.HOST)],
        update=RollingUpdateOptions(order=UpdateOrder.STOP_FIRST, delay=Duration.seconds(2)),
        secrets={"API_TOKEN": "not-a-real-token"},
        memory_mib=256,
    )
    app.synth()
    assert web.service_name == "py-web"
    assert web.stop_timeout.to_seconds() == 35
    svc = only(synthesized(outdir)["resource"]["docker_service"])
    assert svc["mode"] == {"replicated": {"replicas": 3}}
    assert svc["endpoint_spec"]["ports"] == [{"target_port": 8123, "published_port": 8130, "protocol": "tcp", "publish_mode": "host"}]
    assert svc["update_config"]["order"] == "stop-first"
    assert svc["update_config"]["delay"] == "2s"
    assert svc["task_spec"]["placement"]["max_replicas"] == 1
    assert svc["task_spec"]["container_spec"]["secrets"][0]["file_name"] == "API_TOKEN"


def test_logging_through_python_names(outdir):
    app, stack = new_stack(outdir)
    image = WsgiImage(stack, "Image", source=LEAVES, entrypoint="manager:app", port=8123)
    web = WsgiContainer(stack, "Web", image=image, logging=LogDriver.syslog(address="udp://logs.internal:514", tag="web"))
    plain = WsgiContainer(stack, "Plain", image=image, container_name="plain")
    svc = WsgiService(stack, "Svc", image=image, logging=LogDriver.gelf(address="tcp://graylog:12201"))
    app.synth()
    tf = synthesized(outdir)
    containers = tf["resource"]["docker_container"]
    assert containers[web.resource.friendly_unique_id]["log_driver"] == "syslog"
    assert containers[web.resource.friendly_unique_id]["log_opts"] == {"syslog-address": "udp://logs.internal:514", "tag": "web"}
    assert containers[plain.resource.friendly_unique_id]["log_opts"] == {"max-file": "3", "max-size": "10m"}
    service = tf["resource"]["docker_service"][svc.resource.friendly_unique_id]
    assert service["task_spec"]["log_driver"] == {"name": "gelf", "options": {"gelf-address": "tcp://graylog:12201"}}
    with pytest.raises(Exception, match=r"'logging.maxFiles' 0 is out of range"):
        WsgiContainer(stack, "Bad", image=image, logging=LogDriver.json_file(max_files=0))


def test_zero_downtime_deploys_and_their_opt_out_through_python_names(outdir):
    app, stack = new_stack(outdir)
    image = WsgiImage(stack, "Image", source=LEAVES, entrypoint="manager:app", port=8123)
    web = WsgiContainer(stack, "Web", image=image, publish=[PublishedPort(host_port=18202)], docker_socket_path="/run/docker-alt.sock")
    plain = WsgiContainer(stack, "Plain", image=image, container_name="plain", update_order=UpdateOrder.STOP_FIRST)
    svc = WsgiService(stack, "Svc", image=image, publish=[ServicePort(published_port=18203, mode=PublishMode.HOST_NETWORK)])
    app.synth()
    assert web.update_order == UpdateOrder.START_FIRST
    assert plain.update_order == UpdateOrder.STOP_FIRST and plain.network_holder is not None
    assert WsgiContainer.CONTAINER_LABEL == "cdktf-wsgi.container"
    tf = synthesized(outdir)
    containers = tf["resource"]["docker_container"]
    holder = containers[web.network_holder.friendly_unique_id]
    app_container = containers[web.resource.friendly_unique_id]
    assert holder["name"] == web.container_name == "py-web"
    assert holder["sysctls"] == {"net.ipv4.tcp_migrate_req": "1"}
    assert app_container["network_mode"] == "container:${docker_container.%s.id}" % web.network_holder.friendly_unique_id
    assert app_container["lifecycle"] == {"create_before_destroy": True, "ignore_changes": ["name"]}
    assert app_container["name"] == "py-web-${substr(uuid(), 0, 8)}"
    assert "GUNICORN_CMD_ARGS=--reuse-port --bind 0.0.0.0:8123" in app_container["env"]
    plain_app = containers[plain.resource.friendly_unique_id]
    assert plain_app["name"] == "plain-${substr(uuid(), 0, 8)}"
    assert plain_app["lifecycle"] == {"ignore_changes": ["name"]}
    assert containers[plain.network_holder.friendly_unique_id]["name"] == "plain"
    assert plain.reconcile_resource is not None and plain.destroy_guard is not None
    assert tf["moved"] == [{"from": "docker_container.Plain_295EB121", "to": "docker_container.%s" % plain.network_holder.friendly_unique_id}]
    socket = [{"host_path": "/run/docker-alt.sock", "container_path": "/var/run/docker.sock"}]
    reconcile = containers[web.reconcile_resource.friendly_unique_id]
    assert reconcile["volumes"] == socket and reconcile["network_mode"] == "none"
    assert reconcile["name"] == "py-web-reconcile-${substr(uuid(), 0, 8)}"
    assert containers[web.destroy_guard.friendly_unique_id]["volumes"] == socket
    assert holder["depends_on"] == ["docker_container.%s" % web.destroy_guard.friendly_unique_id]
    service = tf["resource"]["docker_service"][svc.resource.friendly_unique_id]
    assert service["task_spec"]["container_spec"]["env"]["GUNICORN_CMD_ARGS"] == "--reuse-port --bind 0.0.0.0:18203"
    assert service["update_config"]["order"] == "start-first"


def test_a_start_first_update_with_a_host_port_fails_in_python_too(outdir):
    app, stack = new_stack(outdir)
    image = WsgiImage(stack, "Image", source=LEAVES, entrypoint="manager:app")
    with pytest.raises(Exception, match=r"'update.order' \"start-first\" starts the new task before the old one stops"):
        WsgiService(
            stack,
            "Web",
            image=image,
            publish=[ServicePort(published_port=8130, mode=PublishMode.HOST)],
            update=RollingUpdateOptions(order=UpdateOrder.START_FIRST),
        )


def test_an_asgi_app_from_python(outdir):
    app, stack = new_stack(outdir)
    image = WsgiImage(stack, "Api", source=FASTAPI)
    web = WsgiContainer(stack, "ApiWeb", image=image, publish=[PublishedPort(host_port=18210)], health_check=HealthCheck.http("/healthz"))
    app.synth()
    assert image.entrypoint == "main:app"
    assert image.app_interface == AppInterface.ASGI
    assert 'worker_class = "uvicorn_worker.UvicornWorker"' in image.gunicorn_config
    assert web.container_port == 8000
    # The enum and the worker constant by their Python names; a mismatch is a Python exception.
    _, other = new_stack(tempfile.mkdtemp(prefix="cdktf-wsgi-py-"), "other")
    with pytest.raises(Exception) as err:
        WsgiImage(other, "Api", source=FASTAPI, gunicorn=GunicornSettings(worker_class=WorkerClass.SYNC))
    assert "'gunicorn.workerClass' \"sync\" is a WSGI worker, but main:app is an ASGI app (FastAPI() in main.py)" in str(err.value)
    _, django = new_stack(tempfile.mkdtemp(prefix="cdktf-wsgi-py-"), "django")
    django_asgi = os.path.join(REPO, "test", "engine", "apps", "django-asgi")
    assert WsgiImage(django, "Site", source=django_asgi, app_interface=AppInterface.ASGI).entrypoint == "site1.asgi:application"
