import Testing
@testable import Backprop

@Test func moduleLinks() {
    #expect(String(describing: Backprop.self).isEmpty == false)
}
