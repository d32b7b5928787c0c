// The words of the sync's readiness messages (messages/sync.md, readiness.*), so the panel says what the sync would
// write on the record. test/fixtures/readiness-cases.json holds both sides to the same text.
const MESSAGES = {
    noAccount: "Add an Account to the Opportunity: Partner Center needs the customer's name and country.",
    noCountry:
        'Set the Billing Country of the Account "%s" (a two-letter code such as US, or the country\'s English name): ' +
        "Partner Center requires the customer's country.",
    badCountry:
        '"%s" on the Account "%s" is not a country Partner Center knows: use a two-letter ISO code such as US or DE, ' +
        "or the country's English name.",
    noSolution:
        'Add at least one Partner Center solution id in Products (for example SOL-34104-EBB): ' +
        'Partner Center requires one before sharing.',
    badSolution:
        'These Products are not Partner Center solution ids: %s. ' +
        'Use ids such as SOL-34104-EBB or Dynamics365forFieldService, separated by "%s".',
    noHelp: 'Choose how Microsoft can help (How can Microsoft help?): Partner Center requires it for a co-sell deal.',
    noContact:
        'Add a customer contact role to the Opportunity: ' +
        'Partner Center requires a customer contact for a co-sell deal.'
};

/** The message for a problem code, its %s filled in order. */
export function readinessMessage(code, ...values) {
    let next = 0;
    return MESSAGES[code].replace(/%s/g, () => String(values[next++]));
}
