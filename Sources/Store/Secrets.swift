import Crypto
import Foundation
import HummingbirdBcrypt

/// Passwords (bcrypt), and the random secrets of sessions and tokens, which are stored only as SHA-256 digests.
public enum Secrets {
    /// bcrypt's work factor: about a quarter of a second per guess on this machine kind.
    public static let passwordCost: UInt8 = 12

    public static func hashPassword(_ password: String, cost: UInt8 = passwordCost) -> String {
        Bcrypt.hash(password, cost: cost)
    }

    public static func verify(_ password: String, hash: String?) -> Bool {
        // Without a hash, a dummy check keeps the time the same, so the answer does not tell who exists.
        guard let hash else {
            _ = Bcrypt.verify(password, hash: dummyHash)
            return false
        }
        return Bcrypt.verify(password, hash: hash)
    }

    private static let dummyHash = Bcrypt.hash("debrief-no-such-user", cost: passwordCost)

    /// 32 random bytes from the system's generator, base64url without padding (cookie- and header-safe).
    public static func random(prefix: String = "") -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return prefix + Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public static func digest(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// A new API token for the user: the secret to hand out once, and the credential to store.
    public static func apiToken(for user: User) -> (secret: String, credential: Credential) {
        let secret = random(prefix: "dbf_")
        return (secret, Credential(digest: digest(secret), kind: .token, userID: user.id))
    }

    /// Compares two secrets in time independent of where they differ.
    public static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
