import Foundation

/// Waits up to five seconds for `condition`, looking every 50 ms: for what another thread does
/// soon but at no set time.
func eventually(_ condition: () -> Bool) -> Bool {
    for _ in 0..<100 {
        if condition() { return true }
        Thread.sleep(forTimeInterval: 0.05)
    }
    return condition()
}
