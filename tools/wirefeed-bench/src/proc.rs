//! Memory and CPU of this process from `/proc/self` (Linux): resident set size and its peak
//! (`VmRSS`, `VmHWM` in `/proc/self/status`) and CPU time per thread (`utime` + `stime` of
//! `/proc/self/task/<tid>/stat`, the counters `getrusage` reads, in clock ticks of 1/100 s).
//! Elsewhere every figure is `None`.

use std::collections::HashMap;

/// Clock ticks per second of `/proc` CPU times (`USER_HZ`, 100 on Linux).
const TICKS_PER_SECOND: f64 = 100.0;

fn status_kib(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    parse_status_kib(&status, key)
}

fn parse_status_kib(status: &str, key: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|line| line.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|number| number.parse().ok())
}

/// Resident set size now, in bytes.
pub fn rss_bytes() -> Option<u64> {
    status_kib("VmRSS").map(|kib| kib * 1024)
}

/// Peak resident set size since start, in bytes.
pub fn peak_rss_bytes() -> Option<u64> {
    status_kib("VmHWM").map(|kib| kib * 1024)
}

/// CPU seconds (user + system) of a `stat` line; the command name may hold spaces and
/// parentheses, so fields are counted after its closing parenthesis.
fn parse_stat_cpu_seconds(stat: &str) -> Option<f64> {
    let after_name = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // After the name: state is field 3 of the line, utime field 14, stime field 15.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) as f64 / TICKS_PER_SECOND)
}

/// CPU seconds used so far by each live thread, by thread id, with the thread's name.
pub fn thread_cpu_seconds() -> HashMap<u64, (String, f64)> {
    let mut threads = HashMap::new();
    let Ok(entries) = std::fs::read_dir("/proc/self/task") else {
        return threads;
    };
    for entry in entries.flatten() {
        let Some(tid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u64>().ok())
        else {
            continue;
        };
        let path = entry.path();
        let name = std::fs::read_to_string(path.join("comm"))
            .map(|n| n.trim().to_owned())
            .unwrap_or_default();
        if let Some(seconds) = std::fs::read_to_string(path.join("stat"))
            .ok()
            .as_deref()
            .and_then(parse_stat_cpu_seconds)
        {
            threads.insert(tid, (name, seconds));
        }
    }
    threads
}

/// CPU seconds used by the calling thread so far.
pub fn this_thread_cpu_seconds() -> Option<f64> {
    std::fs::read_to_string("/proc/thread-self/stat")
        .ok()
        .as_deref()
        .and_then(parse_stat_cpu_seconds)
}

/// CPU seconds used by the whole process so far (threads that ended included).
pub fn process_cpu_seconds() -> Option<f64> {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .as_deref()
        .and_then(parse_stat_cpu_seconds)
}

/// CPU seconds every process of the machine used so far (busy time of `/proc/stat`: every
/// counter of its `cpu` line but idle and iowait), to tell what else ran beside a measurement.
pub fn machine_busy_cpu_seconds() -> Option<f64> {
    std::fs::read_to_string("/proc/stat")
        .ok()
        .as_deref()
        .and_then(parse_machine_busy_seconds)
}

fn parse_machine_busy_seconds(stat: &str) -> Option<f64> {
    let line = stat.lines().find(|line| line.starts_with("cpu "))?;
    let counters: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    // user nice system idle iowait irq softirq steal (guest time is already in user).
    let busy: u64 = counters
        .iter()
        .take(8)
        .enumerate()
        .filter(|(i, _)| *i != 3 && *i != 4)
        .map(|(_, ticks)| ticks)
        .sum();
    Some(busy as f64 / TICKS_PER_SECOND)
}

/// CPU seconds used so far by process `pid` (its threads that ended included).
pub fn pid_cpu_seconds(pid: u32) -> Option<f64> {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .as_deref()
        .and_then(parse_stat_cpu_seconds)
}

/// Peak resident set size of process `pid`, in bytes.
pub fn pid_peak_rss_bytes(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    parse_status_kib(&status, "VmHWM").map(|kib| kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_status_and_stat_lines() {
        let status = "Name:\twirefeed\nVmHWM:\t  123456 kB\nVmRSS:\t   2048 kB\n";
        assert_eq!(parse_status_kib(status, "VmHWM"), Some(123_456));
        assert_eq!(parse_status_kib(status, "VmRSS"), Some(2048));
        assert_eq!(parse_status_kib(status, "VmSwap"), None);
        let stat = "4242 (tokio (rt) x) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0 1 0";
        assert_eq!(parse_stat_cpu_seconds(stat), Some(3.0));
        assert_eq!(parse_stat_cpu_seconds("garbage"), None);
        let machine = "cpu  100 5 45 9000 50 0 0 0 0 0\ncpu0 50 2 20 4500 25 0 0 0 0 0\n";
        assert_eq!(parse_machine_busy_seconds(machine), Some(1.5));
        assert_eq!(parse_machine_busy_seconds("intr 1 2"), None);
    }

    #[test]
    fn this_process_has_a_resident_set_on_linux() {
        if cfg!(target_os = "linux") {
            assert!(rss_bytes().is_some_and(|b| b > 0));
            assert!(peak_rss_bytes() >= rss_bytes());
            assert!(!thread_cpu_seconds().is_empty());
            let pid = std::process::id();
            assert!(pid_cpu_seconds(pid).is_some());
            assert!(pid_peak_rss_bytes(pid).is_some_and(|b| b > 0));
        }
    }
}
