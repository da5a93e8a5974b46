import Testing

@Test func executableTestTargetBuilds() {
    #expect(1 + 1 == 2)
}
