// Used by scripts/e2e/setup.sh: add npm 11 `allowScripts` to the package.json files of
// the nested projects that code-server's postinstall runs `npm install` in, so their
// native modules' install scripts run. Usage: node allow-code-server-scripts.cjs <code-server dir>
'use strict';
const fs = require('fs');
const path = require('path');

const codeServerDir = process.argv[2];
if (!codeServerDir) throw new Error('usage: allow-code-server-scripts.cjs <node_modules/code-server>');

// Linux-relevant packages with install scripts in code-server 4.100.3's
// lib/vscode/npm-shrinkwrap.json (the @vscode/windows-* ones are left out: no-ops here).
const allow = {
  'lib/vscode': [
    '@parcel/watcher', '@vscode/deviceid', '@vscode/ripgrep', '@vscode/spdlog',
    'kerberos', 'native-watchdog', 'node-pty',
  ],
};

for (const [dir, names] of Object.entries(allow)) {
  const file = path.join(codeServerDir, dir, 'package.json');
  const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
  pkg.allowScripts = Object.fromEntries(names.map((n) => [n, true]));
  fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + '\n');
  console.log(`[e2e-setup] allowScripts in ${dir}/package.json: ${names.join(', ')}`);
}
