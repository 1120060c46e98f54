extension String {
    /// Runs `body` on the text's UTF-8 bytes in place (a native string's own storage, no copy to an
    /// array): validation and folding read every imported cell this way.
    func withUTF8Bytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        var text = self
        return try text.withUTF8(body)
    }
}
