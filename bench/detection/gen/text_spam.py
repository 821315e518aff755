"""Text of unsolicited and fraudulent mail, as it is commonly written: advance-fee fraud,
pharmacy, stock promotion, phishing, malware lures, classic bulk advertising, sextortion,
lotteries, dating, job scams and product spam, in several languages."""

FRAUD_419 = {
    'en': {
        'subjects': ['URGENT BUSINESS PROPOSAL', 'Confidential: Request for Assistance',
                     'FROM THE DESK OF {title} {name}', 'Greetings from {country}', 'Dear Friend',
                     'ATTENTION: BENEFICIARY', 'Re: Your Fund Release', 'Inheritance Claim',
                     'GOOD DAY', 'Assist me please'],
        'body': ['I am {title} {name}, the director of the {dept} of the {bank} in {country}.',
                 'I am writing to seek your assistance in the transfer of the sum of {amount} (Twelve Million Five Hundred Thousand United States Dollars) into your account.',
                 'The funds belong to a foreign contractor who died in a plane crash in 2003 and left no next of kin.',
                 'I need a foreign partner to stand as the beneficiary so that the money can be released.',
                 'You will receive 30% of the total sum for your assistance, 10% will be set aside for expenses.',
                 'This transaction is 100% risk free and will be concluded within ten working days.',
                 'Please treat this matter as strictly confidential.',
                 'Kindly reply with your full name, telephone number and bank details.',
                 'I am a widow suffering from cancer and I want to donate my late husband\'s fortune to charity through you.',
                 'My late father deposited the funds in a security company as family valuables.',
                 'Reply to my private email address for more details.',
                 'God bless you as you respond.'],
        'names': ['Dr. Ibrahim Musa', 'Barrister James Okafor', 'Mrs. Grace Williams',
                  'Mr. Kofi Mensah', 'Princess Amina Bello', 'Col. Robert Mugabi (Rtd)',
                  'Mrs. Susan Campbell', 'Engr. Peter Adewale'],
    },
    'fr': {'subjects': ['PROPOSITION D\'AFFAIRE URGENTE', 'Héritage non réclamé'],
           'body': ['Je suis {title} {name}, avocat au barreau de {country}.',
                    'Je vous contacte au sujet d\'un héritage de {amount} laissé par un client décédé sans héritier.',
                    'Vous recevrez 40% de la somme pour votre collaboration.',
                    'Merci de me répondre en toute confidentialité avec vos coordonnées complètes.'],
           'names': ['Maître Jean-Paul Kouassi', 'Mme Fatou Diallo']},
    'es': {'subjects': ['PROPUESTA DE NEGOCIO CONFIDENCIAL', 'Herencia sin reclamar'],
           'body': ['Soy {title} {name}, abogado en {country}.',
                    'Le escribo por una herencia de {amount} que dejó un cliente fallecido sin familiares.',
                    'Usted recibirá el 35% de la suma por su ayuda.',
                    'Responda con su nombre completo y número de teléfono.'],
           'names': ['Lic. Carlos Mendoza', 'Dra. Ana Torres']},
}

PHARMA = {
    'en': {
        'subjects': ['V1AGRA 80% OFF', 'Cheap meds online', 'Your prescription is ready', 'Men\'s health - save {pct}%',
                     'c.i.a.l.i.s at lowest price', 'Re: your order', 'Lose 20 pounds in 2 weeks',
                     'Best pharmacy online {rand}', 'Generic Viagra $0.99 per pill', 'VlAGRA - no prescription'],
        'body': ['Buy Viagra, Cialis, Levitra online - no prescription needed!',
                 'Lowest prices guaranteed. Discreet worldwide shipping.', 'Save up to {pct}% on brand name medications.',
                 'FDA approved generics from licensed pharmacies.', 'Order now and get 10 free pills!',
                 'Vicodin, Xanax, Valium, Soma, Tramadol available.', 'Satisfaction guaranteed or your money back.',
                 'Click here to visit our online store.', 'Increase your size and stamina naturally.',
                 'Lose weight fast with our herbal formula - no diet, no exercise!'],
    },
    'de': {'subjects': ['Potenzmittel ohne Rezept', 'Günstige Medikamente online'],
           'body': ['Viagra und Cialis ohne Rezept bestellen - diskreter Versand.', 'Bis zu {pct}% günstiger als in der Apotheke.',
                    'Jetzt bestellen und 10 Tabletten gratis erhalten!']},
}

STOCK = {
    'en': {
        'subjects': ['This stock is about to EXPLODE', 'Hot pick: {ticker}', 'Breaking news on {ticker}',
                     'Watch {ticker} on Monday', 'Investor alert: {company}'],
        'body': ['{company} (Symbol: {ticker}) is set to soar this week.', 'Current price: $0.{n2}  Target: $2.50',
                 'Huge news release expected on Monday - get in before the crowd!', 'Our last pick went up 480% in two weeks.',
                 'This is not a solicitation. Past performance is no guarantee of future results.',
                 'Shares are trading on the OTC market. Act fast!', 'Strong buy! Momentum is building.'],
    },
}

PHISH = {
    'en': [
        ('Microsoft 365', 'Your mailbox password expires today', ['Your password for {rcpt} expires today.',
         'To keep using your mailbox, confirm your current password below.', 'Keep my password',
         'Failure to do so will result in your mailbox being suspended within 24 hours.']),
        ('PayPal', 'Your account has been limited', ['We noticed unusual activity in your account and have limited it.',
         'Please verify your account information to restore full access.', 'Log in to resolve',
         'If you do not verify within 48 hours, your account will be permanently suspended.']),
        ('Apple', 'Your Apple ID was used to sign in on a new device', ['Your Apple ID was used to sign in to iCloud on an iPhone 12.',
         'If you did not sign in, please verify your identity immediately.', 'Verify now',
         'Your account will be locked if we cannot confirm your identity.']),
        ('Netflix', 'Payment declined - update your billing details', ['We were unable to process your last payment.',
         'Update your billing information to continue watching.', 'Update payment',
         'Your membership will be cancelled if no action is taken.']),
        ('DHL Express', 'Your parcel is on hold', ['Your parcel could not be delivered due to unpaid customs fees of 2.99 EUR.',
         'Please confirm your delivery address and pay the fee.', 'Schedule delivery',
         'The parcel will be returned to the sender after 48 hours.']),
        ('Wells Fargo', 'Important: unusual sign-in activity', ['We detected unusual sign-in activity on your online banking.',
         'For your protection, please confirm your identity.', 'Confirm identity',
         'Access to online banking has been temporarily suspended.']),
        ('IT Helpdesk', 'Mailbox quota exceeded', ['Your mailbox has exceeded the storage limit set by your administrator.',
         'You may not be able to send or receive new mail until you re-validate your mailbox.', 'Validate mailbox',
         'Re-validate within 24 hours to avoid losing your messages.']),
        ('DocuSign', 'Please review and sign: Invoice_{num}.pdf', ['{sender} sent you a document to review and sign.',
         'Review the document to complete the process.', 'REVIEW DOCUMENT', 'This link expires in 24 hours.']),
    ],
    'de': [('Sparkasse', 'Wichtige Mitteilung zu Ihrem Konto', ['Aufgrund einer Sicherheitsüberprüfung wurde Ihr Konto eingeschränkt.',
            'Bitte bestätigen Sie Ihre Daten innerhalb von 24 Stunden.', 'Jetzt bestätigen',
            'Andernfalls wird Ihr Zugang dauerhaft gesperrt.'])],
    'fr': [('Ameli', 'Remboursement en attente', ['Vous avez un remboursement de 148,70 EUR en attente.',
            'Veuillez confirmer vos coordonnées bancaires pour le recevoir.', 'Accéder à mon compte',
            'Sans réponse sous 48 heures, le remboursement sera annulé.'])],
    'es': [('Correos', 'Su paquete está retenido', ['Su paquete no pudo ser entregado por falta de pago de 1,99 EUR.',
            'Confirme su dirección y realice el pago.', 'Programar entrega', 'El paquete será devuelto en 48 horas.'])],
    'ja': [('Amazon', 'アカウントの確認が必要です', ['お客様のアカウントで異常なアクティビティが検出されました。',
            '24時間以内に情報を確認してください。', 'アカウントを確認する', '確認がない場合、アカウントは停止されます。'])],
    'pt': [('Banco', 'Atualização cadastral obrigatória', ['Detectamos uma irregularidade no seu cadastro.',
            'Atualize seus dados para evitar o bloqueio da conta.', 'Atualizar agora', 'Prazo: 24 horas.'])],
}

MALWARE = {
    'en': [('Invoice {num} overdue', 'Please see the attached invoice which is now overdue. Kindly arrange payment today.'),
           ('Scanned document from {printer}', 'Please open the attached scan.\n\nNumber of pages: 1\nResolution: 300 DPI'),
           ('Payment confirmation', 'Attached is the payment confirmation as requested. Please check and confirm receipt.'),
           ('Shipment notification AWB {num}', 'Your shipment documents are attached. Open the file to see the delivery schedule.'),
           ('Voice message from +1 {num4}', 'You have a new voice message (0:42). Open the attachment to listen.'),
           ('RE: Purchase Order {num}', 'Dear Sir,\n\nKindly find attached our new purchase order and confirm the prices.')],
    'de': [('Rechnung {num}', 'Sehr geehrte Damen und Herren,\n\nanbei erhalten Sie die Rechnung. Bitte begleichen Sie den Betrag umgehend.')],
    'it': [('Fattura n. {num}', 'Gentile cliente,\n\nin allegato la fattura. Cordiali saluti.')],
    'es': [('Factura pendiente {num}', 'Adjuntamos la factura pendiente de pago. Saludos.')],
}

CLASSIC = {
    'en': [
        ('mortgage', ['Refinance now - rates as low as 3.{n1}%', 'Lowest mortgage rates in years', 'Your loan application #{num}'],
         ['Mortgage rates have never been lower!', 'Refinance your home and cut your monthly payments in half.',
          'Bad credit? No problem. Get approved in minutes.', 'No obligation, no fees, free quote.',
          'Fill out our short form and lenders will compete for your business.']),
        ('herbal', ['100% HERBAL - feel 20 years younger', 'Amazing new discovery!!!', 'Natural energy formula'],
         ['Our all natural herbal formula is clinically proven.', 'Feel younger, sleep better, lose weight.',
          'Order today and receive a FREE bottle!', 'As seen on TV!']),
        ('mlm', ['Make $5000 a week from home!', 'Financial freedom is one click away', 'Work from home - $$$'],
         ['You can earn thousands of dollars a week from the comfort of your home.', 'No experience necessary!',
          'This is NOT a get rich quick scheme.', 'Just follow the simple instructions and watch the money roll in.',
          'Thousands of people are already making money with this program.']),
        ('ink', ['Save 80% on printer ink', 'Toner cartridges - lowest prices'],
         ['Compatible ink cartridges for all major brands.', 'Save up to 80% compared to retail prices.', 'Free shipping on orders over $40.']),
        ('debt', ['Eliminate your debt today', 'Consolidate your credit cards'],
         ['Are you drowning in debt? We can help.', 'Cut your payments by up to 50% with one simple plan.', 'Free consultation!']),
        ('cable', ['Get FREE cable TV', 'Cable descrambler - watch everything'],
         ['Watch all premium channels and pay-per-view events for FREE!', 'Easy to install, works with all systems.']),
        ('software', ['Windows XP Professional $49', 'OEM software at 90% off'],
         ['Microsoft Office, Adobe Photoshop and more at unbeatable prices.', 'Instant download, full versions.']),
        ('adult', ['Hot singles in your area', 'See what she sent you', 'Lonely tonight?'],
         ['Thousands of local singles are waiting to meet you.', 'Free membership for a limited time.', 'Click here to see the photos.']),
        ('replica', ['Rolex replicas from $199', 'Luxury watches at a fraction of the price'],
         ['Swiss replica watches, indistinguishable from the original.', 'Order today, shipped worldwide.']),
    ],
}
CLASSIC_FOOTERS = [
    'This message is sent in compliance of the new e-mail bill: SECTION 301. Per Section 301, Paragraph (a)(2)(C) of S. 1618.',
    'To be removed from our mailing list, reply with REMOVE in the subject line.',
    'You are receiving this email because you opted in to receive special offers from our partners.',
    'This is not spam. If you wish to unsubscribe, click here.',
    'If you no longer wish to receive these emails, please send a blank email to remove@{domain}.',
    'We apologize for any inconvenience. This is a one time mailing.',
]

ASIAN_ADS = {
    'ko': [('(광고) 최저가 대출 상담', '저금리 대출 상담 안내입니다. 신용등급 상관없이 당일 승인!\n수신을 원하지 않으시면 수신거부를 눌러주세요.'),
           ('(광고)무료 회원가입 이벤트', '지금 가입하시면 무료 포인트를 드립니다.\n본 메일은 정보통신망법에 의거한 광고 메일입니다.')],
    'zh': [('代开发票', '本公司长期代开各地普通发票、增值税发票，税点优惠。\n联系人：王先生 电话：13800000000'),
           ('外贸客户开发软件', '帮助您快速找到海外客户，免费试用七天。\n如不想再收到此类邮件，请回复退订。')],
    'ru': [('Бизнес-семинар для руководителей', 'Приглашаем вас на семинар по снижению налогов. Количество мест ограничено!\nСкидка 20% при оплате до пятницы.'),
           ('Базы данных email адресов', 'Продаём базы e-mail адресов по всем регионам России. Рассылка под ключ.\nЗвоните прямо сейчас!')],
    'ja': [('【重要】未払い料金のお知らせ', '有料サイトの利用料金が未払いです。本日中にご連絡いただけない場合、法的手続きに移行します。'),
           ('出会い系 無料登録', '今なら無料で登録できます。近くの女性があなたを待っています。')],
}

SEXTORTION = {
    'en': ['I have access to your device and recorded you through your webcam while you were watching adult websites.',
           'I also have your contacts list. If you do not pay, I will send the video to all of them.',
           'Send ${amount2} in Bitcoin to this wallet: {btc}', 'You have 48 hours to pay. I know when you read this email.',
           'Do not reply to this email, it is sent from your own account.'],
    'de': ['Ich habe Zugriff auf Ihr Gerät und habe Sie über Ihre Webcam aufgenommen.',
           'Senden Sie {amount2} EUR in Bitcoin an diese Adresse: {btc}', 'Sie haben 48 Stunden Zeit.'],
}

LOTTERY = {
    'en': ['CONGRATULATIONS! Your email address has won {amount} in the International Email Lottery.',
           'Your winning number is {num}. To claim your prize, contact our claims agent.',
           'Send your full name, address, age and phone number to the claims department.',
           'Winners must claim their prize within 14 days.'],
    'es': ['¡FELICIDADES! Su dirección de correo ha ganado {amount} en la Lotería Internacional.',
           'Para reclamar su premio, envíe sus datos completos al agente.'],
}

JOBS = {'en': ['We are looking for a remote financial assistant. Work only 2-3 hours a day and earn $3,000 per month.',
               'Your task is to receive payments from our clients and forward them via Western Union.',
               'No experience required. Apply by replying with your CV and phone number.',
               'Become a mystery shopper and get paid to shop! Registration is free.']}

PRODUCTS = {'en': [('Keto burn: lose 1 lb a day', 'Doctors are stunned by this simple keto trick.'),
                   ('Your extended car warranty is expiring', 'Protect yourself from costly repairs. Get your free quote today.'),
                   ('Bitcoin millionaire reveals his secret', 'This automated trading robot made $27,000 in one week. Start with just $250.'),
                   ('Solar panels for $0 down', 'Homeowners in your area are eligible for free solar installation.'),
                   ('CBD oil - 70% off today', 'Pure CBD gummies for pain, anxiety and sleep. Limited supply!'),
                   ('You have been selected for a $500 gift card', 'Complete our 30-second survey to claim your reward.')]}
