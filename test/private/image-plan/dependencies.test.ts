import { Dependencies } from '../../../src';
import { Site } from '../../../src/private/core/validation';
import { planDependencies } from '../../../src/private/image/plan/dependencies';
import { validateOptions } from '../../../src/private/image/plan/options';
import { writeSource } from '../../util';

function plan(files: Record<string, string>, extra: object = {}) {
  const source = writeSource(files);
  const site = new Site('app/Image');
  const props = { source, ...extra };
  return { site, planned: planDependencies(site, source, (props as any).dependencies, validateOptions(site, props)) };
}

describe('planDependencies', () => {
  test('requirements.txt with gunicorn: installed as is, on python:3.11-slim by default', () => {
    const { site, planned } = plan({ 'requirements.txt': 'flask==3.0.0\ngunicorn==23.0.0\n' });
    expect(planned).toMatchObject({ baseImage: 'python:3.11-slim', pythonVersion: '3.11', addsGunicorn: false });
    expect(planned.manifest.installedFiles).toEqual(['requirements.txt']);
    expect(site.notes).toEqual([]);
  });

  test('without gunicorn the plan adds it, and says so', () => {
    const { site, planned } = plan({ 'requirements.txt': 'flask==3.0.0\n' });
    expect(planned.addsGunicorn).toBe(true);
    expect(site.notes).toEqual([{ level: 'warning', message: 'gunicorn is not in requirements.txt; the image adds "gunicorn>=20.1,<27". Add gunicorn to your dependencies to choose its version yourself.' }]);
  });

  test('requires-python decides the base image; baseImage wins over everything', () => {
    const pyproject = '[project]\nname = "x"\nversion = "1"\nrequires-python = ">=3.12"\ndependencies = ["gunicorn==23.0.0"]\n';
    expect(plan({ 'pyproject.toml': pyproject }).planned).toMatchObject({ baseImage: 'python:3.12-slim', pythonVersion: '3.12' });
    const given = plan({ 'pyproject.toml': pyproject }, { baseImage: 'debian:12' }).planned;
    expect(given.baseImage).toBe('debian:12');
    expect(given.pythonVersion).toBeUndefined();
  });

  test('Dependencies.none() installs nothing but gunicorn', () => {
    const { planned } = plan({ 'app.py': '' }, { dependencies: Dependencies.none() });
    expect(planned.manifest.installedFiles).toEqual([]);
    expect(planned.addsGunicorn).toBe(true);
  });
});
