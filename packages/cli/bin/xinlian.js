#!/usr/bin/env node
// The `xinlian` command. A committed file (not under dist/) so that `npm ci` on a fresh checkout,
// before any build, links node_modules/.bin/xinlian (npm skips bins whose target is missing);
// `npx xinlian` then runs the built CLI.
import '../dist/src/bin.js';
