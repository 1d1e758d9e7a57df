#!/usr/bin/env node
// Node 22 runs the TypeScript source directly (type stripping).
import { main } from '../main.ts';

await main(process.argv);
