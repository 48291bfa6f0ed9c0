// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // WebKitGTK's accelerated compositing costs about 80 MB of resident memory per window on a
    // machine without a usable GPU, and buys nothing for a page of forms and lists (measured in
    // docs/benchmarks.md). Off unless the user set the variable themselves.
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        // SAFETY: the first statement of main, before any thread exists that could read the
        // environment concurrently.
        #[allow(unsafe_code)]
        unsafe {
            std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
        }
    }
    rapport_desktop::run();
}
