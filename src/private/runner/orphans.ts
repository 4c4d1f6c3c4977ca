/**
 * The reconcile step of a WsgiContainer: a one-shot container, run by every apply that creates
 * app containers, after the new one is healthy. It finds the app containers of the same
 * `containerName` that no Terraform state holds (left by an apply killed while the provider was
 * creating them) and takes them out of service.
 *
 * What the state holds comes from two places, because Docker cannot see Terraform's state:
 * - its own `CDKTF_WSGI_KEEP`: the IDs of this apply's app and release containers;
 * - the `CDKTF_WSGI_KEEP` of every earlier reconcile container still there: the generation the
 *   state held before this apply, which Terraform removes itself once this step is done.
 *
 * A container outside both is stopped at once, gracefully (so it stops taking connections), and
 * removed. It may also be a tainted container of a failed deploy, still in the state, which
 * Terraform removes right after this step: provider 4.x takes a container already gone as removed,
 * but 3.6.2 fails the apply on it. So with 3.6.2 (`CDKTF_WSGI_REMOVE_AT_ONCE` unset) the step
 * removes only what an earlier reconcile step has already passed by, and stops the rest. With
 * `UpdateOrder.STOP_FIRST` Terraform has removed the earlier generation, tainted or not, before
 * this one is created, so the step removes at once on every line.
 *
 * @internal
 */

/** The label on each reconcile container, holding `containerName`. */
export const RECONCILE_LABEL = 'cdktf-wsgi.reconcile';

/** Where the reconcile container sees the Docker socket. */
export const RECONCILE_SOCKET = '/var/run/docker.sock';

/** The label on the destroy guard, holding `containerName`. */
export const GUARD_LABEL = 'cdktf-wsgi.destroy-guard';

/**
 * A client of the engine's API over its socket, and the app's name: Python's standard library
 * only, so any app base image runs the programs below.
 */
const ENGINE_CLIENT = `
import http.client, json, os, signal, socket, sys, time, urllib.parse

APP = os.environ['CDKTF_WSGI_APP']
STOP_SECONDS = int(os.environ['CDKTF_WSGI_STOP_SECONDS'])
SOCKET = '${RECONCILE_SOCKET}'

class Engine(http.client.HTTPConnection):
    def __init__(self):
        super().__init__('docker', timeout=STOP_SECONDS + 60)
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(SOCKET)

def call(method, path, allowed=(200, 201, 204, 304, 404)):
    engine = Engine()
    try:
        engine.request(method, path)
        answer = engine.getresponse()
        body = answer.read()
    except OSError as error:
        sys.exit('cannot reach the Docker engine at %s (%s): mount its socket there' % (SOCKET, error))
    finally:
        engine.close()
    if answer.status not in allowed:
        sys.exit('%s %s: the engine answered %d %s' % (method, path, answer.status, body.decode(errors='replace').strip()))
    return json.loads(body) if answer.status == 200 and body else None

def labelled(label):
    query = urllib.parse.quote(json.dumps({'label': [label]}))
    return call('GET', '/containers/json?all=1&filters=' + query) or []

def name_of(container):
    return '%s (%s)' % (container['Names'][0].lstrip('/'), container['Id'][:12])
`;

/** The reconcile step's program. */
export const RECONCILE_SCRIPT = `${ENGINE_CLIENT}
KEEP = set(filter(None, os.environ['CDKTF_WSGI_KEEP'].split(',')))
REMOVE_AT_ONCE = os.environ.get('CDKTF_WSGI_REMOVE_AT_ONCE') == 'true'

def kept_by(container):
    inspected = call('GET', '/containers/%s/json' % container['Id']) or {}
    for variable in (inspected.get('Config') or {}).get('Env') or []:
        if variable.startswith('CDKTF_WSGI_KEEP='):
            return set(filter(None, variable.split('=', 1)[1].split(',')))
    return set()

me = socket.gethostname()
earlier = [c for c in labelled('${RECONCILE_LABEL}=' + APP) if not c['Id'].startswith(me)]
kept = set(KEEP)
for step in earlier:
    kept |= kept_by(step)
passed_by = max((step['Created'] for step in earlier), default=None)
for app in labelled('cdktf-wsgi.container=' + APP):
    if app['Id'] in kept:
        continue
    if app['State'] in ('running', 'restarting', 'paused', 'created'):
        call('POST', '/containers/%s/stop?t=%d' % (app['Id'], STOP_SECONDS))
        print('stopped %s: not of the generation deployed now or of the one before it' % name_of(app), flush=True)
    if REMOVE_AT_ONCE or (passed_by is not None and app['Created'] < passed_by):
        call('DELETE', '/containers/%s?force=1' % app['Id'])
        print('removed %s: not of the generation deployed now or of the one before it' % name_of(app), flush=True)
`;

/**
 * The destroy guard's program. Its two duties come from when Docker stops and starts it.
 *
 * Started, for a while, it brings back the app containers the daemon failed to start because
 * their network holder was not running yet: after a daemon restart or a reboot the daemon starts
 * every container of a restart policy at once, with no order between an app and the holder whose
 * network it joins (moby/moby#50326), and leaves such an app exited for good. The daemon starts
 * the guard in the same pass, so it sees that failure (the app's `State.Error`, which a
 * successful start clears and a stop by hand never sets) and starts the app once its holder
 * runs, a few times at most. It then sleeps, costing nothing.
 *
 * Stopped, it removes the app and release containers of this `containerName` whose network holder
 * no longer exists. Terraform's destroy stops it after removing the holder (the holder depends on
 * it), so what is left then is what an interrupted apply created outside the state. Stopped for
 * any other reason (a daemon shutdown, a replacement of the guard) it finds every holder there and
 * removes nothing; on any error it removes nothing.
 */
export const GUARD_SCRIPT = `${ENGINE_CLIENT}
def holder_gone(app):
    mode = (app.get('HostConfig') or {}).get('NetworkMode') or ''
    return mode.startswith('container:') and call('GET', '/containers/%s/json' % mode[len('container:'):]) is None

def on_stop(*_):
    try:
        for app in labelled('cdktf-wsgi.container=' + APP):
            if holder_gone(app):
                call('DELETE', '/containers/%s?force=1' % app['Id'])
                print('removed %s: its network holder is gone, and no Terraform state holds it' % name_of(app), flush=True)
    finally:
        os._exit(0)

signal.signal(signal.SIGTERM, on_stop)

START_WINDOW_SECONDS = int(os.environ['CDKTF_WSGI_START_WINDOW_SECONDS'])
STARTS_PER_APP = 3

def running_holder_of(app):
    inspected = call('GET', '/containers/%s/json' % app['Id']) or {}
    state, host = inspected.get('State') or {}, inspected.get('HostConfig') or {}
    mode = host.get('NetworkMode') or ''
    if state.get('Running') or not state.get('Error') or not mode.startswith('container:'):
        return None
    if ((host.get('RestartPolicy') or {}).get('Name') or 'no') == 'no':
        return None
    holder = call('GET', '/containers/%s/json' % mode[len('container:'):]) or {}
    return holder if (holder.get('State') or {}).get('Running') else None

def bring_back(starts):
    for app in labelled('cdktf-wsgi.container=' + APP):
        if app['State'] not in ('exited', 'created') or starts.get(app['Id'], 0) >= STARTS_PER_APP:
            continue
        holder = running_holder_of(app)
        if holder is None:
            continue
        starts[app['Id']] = starts.get(app['Id'], 0) + 1
        call('POST', '/containers/%s/start' % app['Id'])
        print('started %s: the daemon had started it before its network holder %s ran (moby/moby#50326)' % (name_of(app), holder['Name'].lstrip('/')), flush=True)

starts, deadline = {}, time.monotonic() + START_WINDOW_SECONDS
while time.monotonic() < deadline:
    try:
        bring_back(starts)
    except SystemExit as error:
        print(error, flush=True)
    time.sleep(1)
while True:
    signal.pause()
`;
