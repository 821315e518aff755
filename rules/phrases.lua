-- Phrases of bulk advertising and fraud, as regexp rules (all {mime} atoms are matched in one
-- Hyperscan pass over the visible text; Subject atoms in one pass over the Subject).
--
-- Single phrases say little (a newsletter may well say "limited time offer", a list about
-- spam quotes spam); the rules count how many different phrases of one kind a message uses,
-- and only a few phrases that legitimate mail does not write count alone (the 1998 US bill
-- "S. 1618" that spammers cite, instructions to reply with REMOVE in the subject).
local reconfig = config['regexp']

local function any_of(list, class)
  local atoms = {}
  for _, re in ipairs(list) do atoms[#atoms + 1] = '/' .. re .. '/i{' .. (class or 'mime') .. '}' end
  return atoms
end

local function at_least(n, list, class)
  return table.concat(any_of(list, class), ' + ') .. ' >= ' .. n
end

-- Boilerplate of unsolicited bulk mail: remove instructions, "this is not spam", the bill.
reconfig['BULK_BOILERPLATE'] = {
  re = at_least(1, {
    '\\b(?:s\\.?\\s?1618|senate bill 1618|bill s\\.?\\s?1618)\\b',
    '\\bsection 301\\b.{0,40}\\bparagraph\\b',
    '\\breply (?:to this (?:e-?mail|message) )?with (?:the word )?"?remove"? in the subject',
    '\\bthis (?:e-?mail |message )?is not (?:a )?spam\\b',
    '\\bsent in compliance (?:of|with) (?:the )?(?:new )?(?:e-?mail|federal|anti-?spam) (?:bill|law|requirements)',
    '\\bthis is a one[- ]time (?:mailing|e-?mail|message)\\b',
    '\\byou (?:have )?(?:opted|signed) in (?:to receive|for) (?:special )?offers from (?:our|one of our) partners',
    '\\b(?:have )?opted[- ]in to (?:one or more of )?our (?:affiliate|partner|marketing) (?:sites|partners|lists?)',
    '\\bopt[- ]out instructions\\b', '\\bagainst (?:sending )?unsolicited (?:e-?mails?|commercial|bulk)\\b',
    '\\bto (?:be removed|unsubscribe) from (?:this|our|future) (?:mailing|list|mailings)\\b.{0,60}\\b(?:reply|send|click)',
  }),
  description = 'Bulk-mail boilerplate (remove instructions, "not spam", bill S. 1618)',
  group = 'content',
}

reconfig['MARKETING_HYPE'] = {
  re = at_least(4, {
    '\\b100\\s?% (?:free|guaranteed|natural|satisfaction|legal|risk[- ]free)\\b',
    '\\brisk[- ]free\\b', '\\bno (?:obligation|credit check|hidden (?:fees|costs)|catch)\\b',
    '\\bact (?:now|fast|today)\\b', '\\b(?:order|call|buy|apply) (?:\\w+ )?(?:now|today)\\b',
    '\\bfree shipping\\b', '\\b(?:low|lowest|special|great) price\\b',
    '\\blimited (?:time|supply|offer)\\b', '\\bclick (?:here|below)\\b',
    '\\bmoney[- ]back guarantee\\b', '\\b(?:make|earn) (?:\\$\\s?\\d|money|cash|thousands)',
    '\\bwork (?:from|at) home\\b', '\\bfinancial freedom\\b', '\\bget paid\\b',
    '\\bbe your own boss\\b', '\\bas seen on (?:tv|oprah)\\b', '\\bonce in a lifetime\\b',
    '\\b(?:special|exclusive) (?:promotion|deal) for you\\b', '\\bdon\'?t (?:miss|delete) (?:out|this)\\b',
    '\\bwhile supplies last\\b', '\\bincredible (?:offer|deal)\\b', '\\bamazing (?:offer|results|new)\\b',
    '\\bfree (?:gift|trial|bonus|quote|consultation|membership|bottle|pills?)\\b',
    '\\bno experience (?:necessary|required|needed)\\b',
  }),
  description = 'Several phrases of hard-sell advertising', group = 'content',
}

reconfig['LOAN_DEBT_OFFER'] = {
  re = at_least(2, {
    '\\brefinanc(?:e|ing)\\b', '\\b(?:lowest|low) (?:mortgage |interest )?rates?\\b',
    '\\bbad credit\\b', '\\bdebt consolidation\\b', '\\bconsolidate (?:your )?(?:debt|credit cards?)\\b',
    '\\bget approved\\b', '\\bpre-?approved\\b', '\\bmonthly payments? (?:in half|by up to)\\b',
    '\\blenders (?:will )?compete\\b', '\\beliminate (?:your )?debt\\b',
  }),
  description = 'Loan, mortgage or debt advertising', group = 'content',
}

reconfig['PHARMA_OFFER'] = {
  re = at_least(2, {
    '\\b(?:viagra|cialis|levitra|v1agra|vi@gra|c1alis|cia1is)\\b',
    '\\b(?:vicodin|xanax|valium|tramadol|soma|ambien|phentermine|oxycontin|hydrocodone)\\b',
    '\\bno (?:doctor|prior )?prescription (?:needed|required)?\\b', '\\b(?:online|canadian) pharmacy\\b',
    '\\b(?:brand name|generic) (?:medications?|drugs|meds)\\b', '\\bdiscreet (?:worldwide )?(?:shipping|packaging)\\b',
    '\\blose (?:\\d+ )?(?:pounds|lbs|weight)\\b', '\\bherbal (?:formula|supplement|viagra)\\b',
    '\\b(?:increase|enlarge) your (?:size|stamina|penis)\\b', '\\bper (?:pill|dose)\\b',
    '\\bohne rezept\\b', '\\bsans ordonnance\\b', '\\bsin receta\\b',
  }),
  description = 'Pharmacy and diet-pill advertising', group = 'content',
}

reconfig['STOCK_PROMO'] = {
  re = at_least(2, {
    '\\bstrong buy\\b', '\\b(?:hot|stock) (?:pick|alert)\\b', '\\binvestor alert\\b',
    '\\b(?:symbol|ticker)\\s*:?\\s*[a-z]{3,5}\\b', '\\bset to (?:soar|explode)\\b',
    '\\b(?:otc|pink sheets|otcbb)\\b', '\\btarget(?: price)?:\\s*\\$\\d', '\\bget in before\\b',
    '\\bnot a solicitation\\b', '\\bmomentum is building\\b',
  }),
  description = 'Stock promotion (pump and dump)', group = 'content',
}

local FRAUD = {   -- advance-fee fraud phrases (FRAUD_PHRASES, FRAUD_PHRASES_MANY)
    '\\bnext of kin\\b', '\\b(?:sum|fund|funds|amount) of (?:us\\$|usd|\\$|£|€)?\\s?\\d',
    '\\bforeign (?:partner|account|business partner)\\b', '\\b(?:strictly |highly )?confidential\\b',
    '\\b(?:30|35|40)\\s?% of the (?:total )?(?:sum|fund|money)\\b', '\\bbeneficiary\\b',
    '\\bdeceased\\b|\\bdied in a (?:plane|car|motor) (?:crash|accident)\\b', '\\bgod bless\\b',
    '\\bsecurity (?:company|vault)\\b', '\\bwestern union\\b|\\bmoneygram\\b', '\\bwidow\\b',
    '\\b(?:bank|banking) (?:details|information)\\b', '\\brisk[- ]free\\b',
    '\\b(?:barrister|solicitor|attorney)\\b', '\\binheritance\\b|\\bhéritage\\b|\\bherencia\\b',
    '\\bhuman(?:itarian)? (?:purpose|project|charity)\\b|\\bcharity\\b',
    '\\bfull name,? (?:address,? )?(?:age,? )?(?:and )?(?:tele)?phone number\\b',
}
reconfig['FRAUD_PHRASES'] = {
  re = at_least(3, FRAUD), description = 'Several phrases of advance-fee fraud', group = 'content',
}
reconfig['FRAUD_PHRASES_MANY'] = {
  re = at_least(5, FRAUD), description = 'Five or more phrases of advance-fee fraud', group = 'content',
}

reconfig['PHISH_PHRASES'] = {
  re = at_least(2, {
    '\\b(?:account|mailbox|password|access) (?:has been|will be|is|was) (?:temporarily )?(?:suspended|locked|limited|disabled|deactivated|restricted|closed|blocked|on hold)\\b',
    '\\bmailbox (?:quota|storage|limit|is full)\\b|\\bexceeded (?:the|its|your) (?:storage|quota)\\b',
    '\\b(?:re-?)?validate (?:your )?(?:mailbox|account|e-?mail)\\b', '\\bkeep (?:my|your|the) (?:current |same )?password\\b',
    '\\bconfirm (?:your )?(?:identity|account|billing|details)\\b', '\\bupdate (?:your )?(?:billing|payment) (?:details|information|method)\\b',
    '\\bfailure to (?:do so|verify|comply|update|confirm)\\b', '\\bwithin (?:24|48|72) hours\\b',
    '\\bpermanently (?:suspended|deleted|closed|locked|disabled)\\b', '\\bunusual (?:sign-?in )?activity\\b',
    '\\bverify (?:your )?(?:account|identity|information) (?:now|immediately|below)?\\b',
    '\\b(?:unpaid|outstanding) (?:customs|delivery|shipping) (?:fee|charge)s?\\b',
    '\\bkonto (?:wurde|wird) (?:gesperrt|eingeschränkt)\\b|\\binnerhalb von 24 stunden\\b',
    '\\bcompte (?:a été|sera) (?:suspendu|bloqué|désactivé)\\b|\\bsous 48 heures\\b',
    '\\bcuenta (?:ha sido|será) (?:suspendida|bloqueada)\\b|\\ben 48 horas\\b',
  }),
  description = 'Account-threat and verification phrases of phishing', group = 'content',
}

reconfig['JOB_SCAM'] = {
  re = at_least(2, {
    '\\bmystery shopper\\b', '\\b(?:payment|financial) (?:processing )?(?:agent|assistant|manager) (?:position|job)?\\b',
    '\\bwork (?:only )?\\d(?:-\\d)? hours (?:a|per) day\\b', '\\breceive payments? (?:from|for) (?:our|the) (?:clients|customers)\\b',
    '\\bforward (?:them|the (?:money|funds|payments)) (?:via|through|by) (?:western union|moneygram|bitcoin|wire)\\b',
    '\\bearn \\$?\\d[\\d,]* (?:per|a) (?:month|week)\\b', '\\bno experience (?:necessary|required|needed)\\b',
    '\\bremote (?:position|job|work)\\b', '\\bget paid to\\b',
  }),
  description = 'Job offers that recruit money mules', group = 'content',
}

reconfig['SCAM_PRODUCT'] = {
  re = at_least(2, {
    '\\bketo\\b', '\\b(?:extended )?(?:car|auto|vehicle) warranty\\b', '\\bwarranty (?:is )?expir',
    '\\b(?:trading|crypto|bitcoin) (?:robot|bot|millionaire|secret)\\b', '\\bautomated trading\\b',
    '\\bsolar (?:panels?|installation)\\b.{0,40}\\b(?:free|\\$0|no cost)\\b', '\\bcbd (?:oil|gummies)\\b',
    '\\bgift card\\b.{0,60}\\bsurvey\\b|\\bsurvey\\b.{0,60}\\bgift card\\b', '\\bclaim your (?:reward|prize|gift)\\b',
    '\\bdoctors? (?:are )?(?:stunned|hate|shocked)\\b', '\\b(?:one|this) (?:weird|simple|strange) trick\\b',
    '\\byou(?:\'ve| have) been (?:selected|chosen)\\b', '\\b(?:homeowners|residents) in your area\\b',
    '\\blose \\d+ (?:lbs?|pounds) (?:a|per) (?:day|week)\\b', '\\bstart with (?:just|only) \\$\\d',
  }),
  description = 'Products and schemes of current bulk mail (keto, warranty, trading robots, gift cards)',
  group = 'content',
}

-- Advertising in other scripts: Korean, Chinese, Japanese and Russian bulk mail.
reconfig['FOREIGN_ADS'] = {
  re = at_least(2, {
    '수신\\s?거부', '\\(\\s?광\\s?고\\s?\\)', '대출', '무료', '저금리', '당일 승인',
    '代开发票', '增值税', '退订', '免费试用', '客户开发', '税点',
    '未払い', '法的手続き', '出会い', '無料登録', '今なら無料',
    'рассылк', 'баз[аы] (?:e-?mail|адресов)', 'скидк[аи]', 'звоните прямо сейчас', 'количество мест ограничено',
  }),
  description = 'Advertising phrases in Korean, Chinese, Japanese or Russian', group = 'content',
}

-- Subjects ----------------------------------------------------------------------------------
reconfig['SUBJ_ADV_TAG'] = {
  re = 'Subject=/^\\s*(?:ADV\\s*[:\\-]|[\\(\\[]\\s*광\\s*고\\s*[\\)\\]]|【広告】|\\[?ad\\]\\s)/i{header}',
  description = 'Subject carries an advertising tag (ADV:, (광고), 【広告】)', group = 'subject',
}
reconfig['SUBJ_PADDED_TOKEN'] = {
  re = 'Subject=/\\S\\s{4,}[\\w#-]{1,12}\\s*$/{header}',
  description = 'Subject ends in a long run of spaces and a tracking token', group = 'subject',
}
