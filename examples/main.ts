import { App } from 'cdktf';
import { DjangoStack } from './django/main';
import { FalconStack } from './falcon/main';
import { FastApiStack } from './fastapi/main';
import { LeavesStack } from './leaves/main';
import { SwarmStack } from './swarm/main';

/** Every example as one cdktf app, as `npx cdktf synth` runs it; stack traces off, so no absolute path is written. */
export function synthExamples(outdir?: string): App {
  const app = new App({ outdir, stackTraces: false });
  new LeavesStack(app, 'leaves');
  new DjangoStack(app, 'django');
  new FalconStack(app, 'falcon');
  new FastApiStack(app, 'fastapi');
  new SwarmStack(app, 'swarm');
  app.synth();
  return app;
}

if (require.main === module) {
  synthExamples();
}
