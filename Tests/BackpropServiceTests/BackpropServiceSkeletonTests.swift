import Testing
@testable import BackpropService

@Test func moduleLinks() {
    #expect(String(describing: BackpropServiceModule.self).isEmpty == false)
}
