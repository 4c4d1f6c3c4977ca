export * from './build-secret';
export * from './duration';
export * from './gunicorn';
export * from './health-check';
export * from './wsgi-image';
export * from './wsgi-container';
