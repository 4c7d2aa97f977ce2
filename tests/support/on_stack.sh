#!/usr/bin/env bash
# Runs an integration test against the shared stack (PostgreSQL server + dev broker) that ctest
# handed it: tests/run starts stacks 0..N-1 and describes them as the ctest resource "stack";
# ctest sets CTEST_RESOURCE_GROUP_0_STACK=id:N,slots:1 and this maps stack N's variables
# (CCMS_TEST_PG_ADMIN_DSN_N, ...) to the names the tests read. Without a resource (ctest run
# without tests/run's resource file) the test gets stack 0's variables as they are.
#
# The broker is emptied before the test (`ccms-devkafka ctl reset`: same topics, new ports):
# the tests' topic names are fixed, and a test must neither read the records an earlier test
# left (a consumer group of its own starts at the earliest offset, so 5,000 cases of an earlier
# test are minutes of catching up) nor depend on them.
#
#   on_stack.sh DEVKAFKA TEST [ARGS...]
set -euo pipefail
devkafka="$1"
shift
group="${CTEST_RESOURCE_GROUP_0_STACK:-}"
if [[ "$group" =~ id:([0-9]+) ]] && [ "${BASH_REMATCH[1]}" != 0 ]; then
  n="${BASH_REMATCH[1]}"
  for v in CCMS_TEST_PG_ADMIN_DSN CCMS_TEST_KAFKA_BOOTSTRAP CCMS_TEST_KAFKA_CONTROL_PORT \
           CCMS_TEST_WORK_DIR; do
    alt="${v}_$n"
    if [ -z "${!alt:-}" ]; then
      echo "on_stack.sh: stack $n has no $alt (tests/run starts the stacks)" >&2
      exit 1
    fi
    export "$v=${!alt}"
  done
fi
if [ -n "${CCMS_TEST_KAFKA_CONTROL_PORT:-}" ]; then
  reply="$("$devkafka" ctl --control-port "$CCMS_TEST_KAFKA_CONTROL_PORT" reset)" || {
    echo "on_stack.sh: could not reset the dev broker: $reply" >&2
    exit 1
  }
  export CCMS_TEST_KAFKA_BOOTSTRAP="${reply#ok bootstrap=}"
fi
exec "$@"
