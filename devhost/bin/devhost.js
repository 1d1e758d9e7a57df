#!/usr/bin/env node
// Node 22 strips TypeScript types, so the CLI runs from source.
import { main } from '../src/cli.ts';
process.exit(await main(process.argv.slice(2)));
