# Processes orders... until a bug makes it run out of memory.
echo "worker: processing orders"
sleep 2
echo "worker: panic: out of memory" >&2
exit 2
