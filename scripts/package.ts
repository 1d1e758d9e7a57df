// `npm run package` (after the build): the deployment package in out/package/ and out/portfolio-analytics.zip.
//   node scripts/package.ts [--out DIR]
// azd deploys the folder (azure.yaml: dist out/package); any other route deploys the zip, e.g.
//   az functionapp deployment source config-zip -g RG -n APP --src out/portfolio-analytics.zip
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { stagePackage, zipDirectory } from './deployment-package.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { out: { type: 'string', default: path.join(root, 'out') } } });
const out = path.resolve(values.out);
const staged = await stagePackage(root, path.join(out, 'package'));
const zip = await zipDirectory(staged.dir, path.join(out, 'portfolio-analytics.zip'));
console.log(
  `${path.relative(process.cwd(), staged.dir)}: the app with ${staged.dependencyCount} production dependency packages\n` +
    `${path.relative(process.cwd(), zip.file)}: ${zip.entries} files, ${(zip.bytes / 1024 / 1024).toFixed(1)} MB, sha256 ${zip.sha256}`,
);
