"""Runs a command on a real pseudo-terminal (what a person's terminal is) and plays a script of
steps on it: {"wait": text, "timeout": s} waits for output, {"send": text} types, {"exit": s} waits
for the process to end. Prints one JSON line: steps passed, the transcript and the exit status.
Node has no pty of its own; Python's standard library has one."""
import json, os, pty, select, sys, time

steps = json.loads(sys.argv[1])
argv = sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)
out = b''
status = None

def pump(seconds):
    global out
    end = time.time() + seconds
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                out += os.read(fd, 65536)
            except OSError:
                return

done = 0
mark = 0
failed = None
for step in steps:
    if 'send' in step:
        mark = len(out)
        os.write(fd, step['send'].encode())
        pump(0.2)
    elif 'wait' in step:
        # fresh: printed since the last keys were typed.
        start = mark if step.get('fresh') else 0
        end = time.time() + step.get('timeout', 30)
        while time.time() < end and step['wait'].encode() not in out[start:]:
            pump(0.2)
        if step['wait'].encode() not in out[start:]:
            failed = 'never printed: ' + step['wait']
            break
    elif 'exit' in step:
        end = time.time() + step['exit']
        while time.time() < end:
            pump(0.2)
            got, code = os.waitpid(pid, os.WNOHANG)
            if got:
                status = os.waitstatus_to_exitcode(code)
                break
        if status is None:
            failed = 'still running after %ss' % step['exit']
            break
    done += 1
if status is None:
    os.kill(pid, 9)
    os.waitpid(pid, 0)
print(json.dumps({'done': done, 'failed': failed, 'status': status, 'transcript': out.decode('utf-8', 'replace')}))
