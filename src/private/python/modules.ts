/**
 * Top-level modules of the CPython 3 standard library (3.8 to 3.13, including the ones later
 * releases removed), so an import of them never counts as an undeclared third-party dependency.
 */
export const STDLIB_MODULES: ReadonlySet<string> = new Set([
  '__future__', '_thread', 'abc', 'aifc', 'antigravity', 'argparse', 'array', 'ast', 'asynchat', 'asyncio',
  'asyncore', 'atexit', 'audioop', 'base64', 'bdb', 'binascii', 'bisect', 'builtins', 'bz2', 'cProfile',
  'calendar', 'cgi', 'cgitb', 'chunk', 'cmath', 'cmd', 'code', 'codecs', 'codeop', 'collections', 'colorsys',
  'compileall', 'concurrent', 'configparser', 'contextlib', 'contextvars', 'copy', 'copyreg', 'crypt', 'csv',
  'ctypes', 'curses', 'dataclasses', 'datetime', 'dbm', 'decimal', 'difflib', 'dis', 'distutils', 'doctest',
  'email', 'encodings', 'ensurepip', 'enum', 'errno', 'faulthandler', 'fcntl', 'filecmp', 'fileinput',
  'fnmatch', 'fractions', 'ftplib', 'functools', 'gc', 'genericpath', 'getopt', 'getpass', 'gettext', 'glob',
  'graphlib', 'grp', 'gzip', 'hashlib', 'heapq', 'hmac', 'html', 'http', 'idlelib', 'imaplib', 'imghdr', 'imp',
  'importlib', 'inspect', 'io', 'ipaddress', 'itertools', 'json', 'keyword', 'lib2to3', 'linecache', 'locale',
  'logging', 'lzma', 'mailbox', 'mailcap', 'marshal', 'math', 'mimetypes', 'mmap', 'modulefinder', 'msilib',
  'msvcrt', 'multiprocessing', 'netrc', 'nis', 'nntplib', 'nt', 'ntpath', 'nturl2path', 'numbers', 'opcode',
  'operator', 'optparse', 'os', 'ossaudiodev', 'pathlib', 'pdb', 'pickle', 'pickletools', 'pipes', 'pkgutil',
  'platform', 'plistlib', 'poplib', 'posix', 'posixpath', 'pprint', 'profile', 'pstats', 'pty', 'pwd',
  'py_compile', 'pyclbr', 'pydoc', 'pydoc_data', 'pyexpat', 'queue', 'quopri', 'random', 're', 'readline',
  'reprlib', 'resource', 'rlcompleter', 'runpy', 'sched', 'secrets', 'select', 'selectors', 'shelve', 'shlex',
  'shutil', 'signal', 'site', 'smtpd', 'smtplib', 'sndhdr', 'socket', 'socketserver', 'spwd', 'sqlite3',
  'sre_compile', 'sre_constants', 'sre_parse', 'ssl', 'stat', 'statistics', 'string', 'stringprep', 'struct',
  'subprocess', 'sunau', 'symtable', 'sys', 'sysconfig', 'syslog', 'tabnanny', 'tarfile', 'telnetlib',
  'tempfile', 'termios', 'textwrap', 'this', 'threading', 'time', 'timeit', 'tkinter', 'token', 'tokenize',
  'tomllib', 'trace', 'traceback', 'tracemalloc', 'tty', 'turtle', 'turtledemo', 'types', 'typing',
  'unicodedata', 'unittest', 'urllib', 'uu', 'uuid', 'venv', 'warnings', 'wave', 'weakref', 'webbrowser',
  'winreg', 'winsound', 'wsgiref', 'xdrlib', 'xml', 'xmlrpc', 'zipapp', 'zipfile', 'zipimport', 'zlib',
  'zoneinfo',
]);

/**
 * Import names whose distribution is not simply the import name: import → distribution. Used to
 * name the likely fix when an import has no declared distribution, and to accept the declared one.
 */
export const IMPORT_TO_DISTRIBUTION: Readonly<Record<string, string>> = {
  yaml: 'PyYAML',
  uvicorn_worker: 'uvicorn-worker',
  PIL: 'Pillow',
  flask_restful: 'Flask-RESTful',
  dateutil: 'python-dateutil',
  sklearn: 'scikit-learn',
  skimage: 'scikit-image',
  cv2: 'opencv-python',
  bs4: 'beautifulsoup4',
  jwt: 'PyJWT',
  dotenv: 'python-dotenv',
  MySQLdb: 'mysqlclient',
  OpenSSL: 'pyOpenSSL',
  Crypto: 'pycryptodome',
  attr: 'attrs',
  serial: 'pyserial',
  zmq: 'pyzmq',
  magic: 'python-magic',
  slugify: 'python-slugify',
  jose: 'python-jose',
  multipart: 'python-multipart',
  docx: 'python-docx',
  socks: 'PySocks',
  pkg_resources: 'setuptools',
  google: 'protobuf',
  rest_framework: 'djangorestframework',
  corsheaders: 'django-cors-headers',
  environ: 'django-environ',
  debug_toolbar: 'django-debug-toolbar',
  crispy_forms: 'django-crispy-forms',
  storages: 'django-storages',
  dj_database_url: 'dj-database-url',
  psycopg2: 'psycopg2-binary',
  markdown: 'Markdown',
  webob: 'WebOb',
  pytz: 'pytz',
  zope: 'zope.interface',
  paste: 'PasteDeploy',
};

/**
 * Distributions that accept an import name besides their own: psycopg2 comes as psycopg2 or
 * psycopg2-binary, and so on. Keys are import names, values normalized distribution names.
 */
export const ALTERNATIVE_DISTRIBUTIONS: Readonly<Record<string, string[]>> = {
  psycopg2: ['psycopg2', 'psycopg2-binary'],
  cv2: ['opencv-python', 'opencv-python-headless', 'opencv-contrib-python'],
  Crypto: ['pycryptodome', 'pycrypto'],
  jose: ['python-jose'],
  zope: ['zope-interface', 'zope-deprecation'],
  google: ['protobuf', 'google-cloud-storage', 'google-api-core', 'google-auth'],
};

/**
 * What common web frameworks install with them, so importing (say) werkzeug from a Flask app is
 * not reported as undeclared. Normalized distribution → import names it brings.
 */
export const BROUGHT_BY: Readonly<Record<string, string[]>> = {
  'flask': ['werkzeug', 'jinja2', 'markupsafe', 'itsdangerous', 'click', 'blinker'],
  'django': ['asgiref', 'sqlparse', 'pytz'],
  'pyramid': ['webob', 'zope', 'venusian', 'translationstring', 'hupper', 'plaster', 'plaster_pastedeploy', 'pkg_resources'],
  'requests': ['urllib3', 'idna', 'certifi', 'charset_normalizer', 'chardet'],
  'gunicorn': ['pkg_resources', 'packaging'],
  'jinja2': ['markupsafe'],
  'fastapi': ['starlette', 'pydantic', 'pydantic_core', 'anyio', 'sniffio', 'idna', 'typing_extensions', 'annotated_types'],
  'starlette': ['anyio', 'sniffio', 'idna', 'typing_extensions'],
  'quart': ['werkzeug', 'jinja2', 'markupsafe', 'itsdangerous', 'click', 'blinker', 'hypercorn', 'aiofiles'],
  'litestar': ['anyio', 'msgspec', 'httpx', 'typing_extensions', 'click', 'rich'],
  'uvicorn': ['h11', 'click'],
  'uvicorn-worker': ['uvicorn', 'h11', 'click', 'gunicorn'],
};
