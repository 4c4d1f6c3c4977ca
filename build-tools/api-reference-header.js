// Puts a note on which package to install, for which core, under the title of an API reference
// jsii-docgen wrote: `node build-tools/api-reference-header.js <file> <cdktf-wsgi|cdktn-wsgi> <typescript|python>`.
// Part of the docgen task (and of the cdktn build), so the committed API.md is what docgen writes.
'use strict';
const fs = require('fs');

const [file, flavour, language] = process.argv.slice(2);
const PACKAGES = {
  'cdktf-wsgi': { core: '`cdktf` 0.21', bindings: { typescript: '`@cdktf/provider-docker` 12', python: '`cdktf-cdktf-provider-docker` 12' } },
  'cdktn-wsgi': { core: '`cdktn` 0.24 (CDK Terrain)', bindings: { typescript: '`@cdktn/provider-docker` 16', python: '`cdktn-provider-docker` 16' } },
};
const own = PACKAGES[flavour];
const [otherName, other] = Object.entries(PACKAGES).find(([name]) => name !== flavour);
if (!own || !own.bindings[language]) throw new Error(`usage: api-reference-header.js <file> <${Object.keys(PACKAGES).join('|')}> <typescript|python>`);
const python = name => (language === 'python' ? name.replace('-', '_') : name);
const note = `> This is the reference of **${flavour}** (${language === 'python' ? `\`pip install ${flavour}\`, \`import ${python(flavour)}\`` : `\`npm install ${flavour}\``}), for apps whose core is ${own.core}, `
  + `with the docker bindings ${own.bindings[language]}. For apps on ${other.core}, install **${otherName}**: the same API, `
  + `with ${other.bindings[language]}. The README's "Using with CDK Terrain" says how to install and deploy either.`;
const text = fs.readFileSync(file, 'utf8');
const lines = text.split('\n');
if (!lines[0].startsWith('# API Reference')) throw new Error(`${file} does not start with jsii-docgen's title`);
if (lines[2].startsWith('> This is the reference of')) lines.splice(2, 2);
lines.splice(2, 0, note, '');
fs.writeFileSync(file, lines.join('\n'));
