#!/bin/sh
# Starts the tslab kernel with the project root as its working folder, so notebooks import './lib/...'.
# Must not hard-code the project path: the root is this script's ../.. (kernels/tslab/launch.sh).
set -e
cd "$(dirname "$0")/../.."
exec node node_modules/tslab/bin/tslab kernel --config-path "$1"
