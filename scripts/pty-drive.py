#!/usr/bin/python3
"""Drives a program in a pseudo-terminal, the way a person at a terminal would (used by the chat tests).

usage: pty-drive.py PLAN.json
PLAN: {"argv": [...], "env": {...}, "columns": 80, "rows": 24, "timeout": 20,
       "steps": [{"wait": "text", "send": "line\\r"}, ...]}
Each step waits until `wait` appears in the output after the point the previous step matched, then
writes `send` (\\u0003 is Ctrl-C, \\u0004 Ctrl-D). Prints everything the program wrote, then a last
line "PTY-EXIT <status>" (or "PTY-TIMEOUT <step>" and the program is killed).
"""
import json, os, pty, select, signal, struct, sys, termios, fcntl, time

plan = json.load(open(sys.argv[1]))
size = struct.pack("HHHH", plan.get("rows", 24), plan.get("columns", 80), 0, 0)
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, size)  # before the program starts, as a terminal window would
    os.execve(plan["argv"][0], plan["argv"], plan["env"])
output = b""
position = 0
deadline_per_step = plan.get("timeout", 20)


def pump(seconds):
    global output
    ready, _, _ = select.select([fd], [], [], seconds)
    if not ready:
        return True
    try:
        data = os.read(fd, 65536)
    except OSError:
        return False
    if not data:
        return False
    output += data
    return True


alive = True
for index, step in enumerate(plan["steps"]):
    wanted = step["wait"].encode()
    deadline = time.time() + deadline_per_step
    while alive and output.find(wanted, position) < 0 and time.time() < deadline:
        alive = pump(0.05)
    found = output.find(wanted, position)
    if found < 0:
        sys.stdout.write(output.decode("utf-8", "replace"))
        if not alive:
            _, status = os.waitpid(pid, 0)
            sys.stdout.write("\nPTY-ENDED-EARLY %d %r\nPTY-EXIT %d\n" % (index, step["wait"], os.waitstatus_to_exitcode(status)))
            sys.exit(0)
        sys.stdout.write("\nPTY-TIMEOUT %d %r\n" % (index, step["wait"]))
        os.kill(pid, signal.SIGKILL)
        sys.exit(0)
    position = found + len(wanted)
    time.sleep(step.get("pause", 0.05))
    os.write(fd, step["send"].encode())

deadline = time.time() + deadline_per_step
while alive and time.time() < deadline:
    alive = pump(0.05)
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        while pump(0.05):
            if not select.select([fd], [], [], 0)[0]:
                break
        sys.stdout.write(output.decode("utf-8", "replace"))
        sys.stdout.write("\nPTY-EXIT %d\n" % (os.waitstatus_to_exitcode(status)))
        sys.exit(0)
try:
    done, status = os.waitpid(pid, 0 if not alive else os.WNOHANG)
except ChildProcessError:
    done, status = pid, 0
sys.stdout.write(output.decode("utf-8", "replace"))
if done:
    sys.stdout.write("\nPTY-EXIT %d\n" % (os.waitstatus_to_exitcode(status)))
else:
    os.kill(pid, signal.SIGKILL)
    sys.stdout.write("\nPTY-TIMEOUT end\n")
