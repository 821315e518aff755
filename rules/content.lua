-- Content rules as regexp rules: one Hyperscan scan per class covers all of them.
local reconfig = config['regexp']

reconfig['DRUGS_ERECTILE'] = {
  re = '/\\b(?:viagra|cialis|levitra|kamagra)\\b/i{mime}',
  description = 'Erectile dysfunction drugs', group = 'content',
}

reconfig['ADVANCE_FEE'] = {
  re = '/\\bnext of kin\\b/i{mime} + /\\binheritance\\b/i{mime} + ' ..
       '/\\bmillion\\s+(?:us\\s+)?(?:dollars|usd|euros?)\\b/i{mime} + ' ..
       '/\\b(?:transfer|release)\\s+of\\s+(?:the\\s+)?(?:sum|fund)s?\\b/i{mime} + ' ..
       '/\\bbeneficiary\\b/i{mime} >= 2',
  description = 'Advance-fee fraud phrases', group = 'content',
}

reconfig['BITCOIN_ADDR'] = {
  re = '/(?:^|[^a-zA-Z0-9])(?:bc1[a-z0-9]{25,59}|[13][a-km-zA-HJ-NP-Z1-9]{25,34})(?:$|[^a-zA-Z0-9])/{mime}',
  description = 'Text contains a bitcoin address', group = 'content',
}

reconfig['EXTORTION_PHRASES'] = {
  re = '/\\b(?:i (?:have|got) access to your (?:device|computer|account)|' ..
       'recorded you|your (?:webcam|camera) was)\\b/i{mime} & ' ..
       '/\\b(?:bitcoin|btc|wallet)\\b/i{mime}',
  description = 'Sextortion / extortion text asking for bitcoin', group = 'content',
}

reconfig['LOTTO_WINNER'] = {
  re = '/\\b(?:you have won|winning notification|lottery (?:award|winner)|claim your prize)\\b/i{mime}',
  description = 'Lottery / prize win announcement', group = 'content',
}

reconfig['ACCOUNT_VERIFY_LURE'] = {
  re = '/\\b(?:verify|confirm|update|validate) your (?:account|identity|password|' ..
       'billing|payment) (?:information|details|now)?/i{mime} & ' ..
       '/\\b(?:suspend|locked|limited|unusual activity|within 24 hours|immediately)/i{mime}',
  description = 'Account verification lure with urgency', group = 'content',
}

reconfig['SUBJ_URGENT'] = {
  re = 'Subject=/\\b(?:urgent|immediate action|final notice|act now)\\b/i{header}',
  description = 'Subject urges immediate action', group = 'subject',
}
