"""Text of legitimate mail: personal notes, business mail, list discussion, newsletters,
transactional and automated mail, in several languages. Templates take {name}, {sender},
{day}, {time}, {place}, {project}, {amount}, {num}, {brand}, {product}, {topic} ..."""

PERSONAL = {
    'en': {
        'subjects': ['Lunch on {day}?', 'photos from the weekend', 'Re: {project} timeline',
                     'quick question', 'Re: dinner', 'tickets for {day}', 'Happy birthday!',
                     'call tomorrow', 'Re: Re: the contract draft', 'notes from today',
                     'Fwd: article you might like', 'flight details', 'minutes of the meeting',
                     'Re: your visit', 'thanks!', 'budget for Q{q}', 'Re: {project}',
                     'book club - next month', 'holiday plans', 'school run on {day}'],
        'open': ['Hi {name},', 'Hello {name},', 'Dear {name},', '{name},', 'Hi all,', 'Hey {name}'],
        'body': ['Are you free for lunch on {day}? I was thinking of the place near {place} around {time}.',
                 'Thanks for sending the draft. I went through it last night and left a few comments in the margin.',
                 'I have attached the photos from the weekend. The ones from the lake came out really well.',
                 'Could you have a look at the {project} timeline before the call? I think we are two weeks behind on testing.',
                 'The meeting with the supplier has moved to {day} at {time}. Same room as last time.',
                 'Mum asked whether you are coming for dinner on Sunday. She is making the lasagne again.',
                 'Just a reminder that the invoice for March is still open; no rush, whenever you get to it.',
                 'I spoke to {other} this morning and she agrees with the plan, as long as we keep the budget under {amount}.',
                 'The kids have a half day on {day}, so I will pick them up at noon.',
                 'Here are my notes from today. Main points: the release moves to next month, and we need two more reviewers.',
                 'I found the article I mentioned on the train; it is about how bridges are inspected with drones.',
                 'My flight lands at {time} on {day}. Terminal 2, I think. I will text you when I am through.',
                 'Can we move our call to tomorrow? Something came up with the server migration.',
                 'Happy birthday! Hope you have a great day and that the cake survives the trip.',
                 'We booked the cottage for the second week of August. There is room for four if you want to join.',
                 'I could not find the cable in the drawer. Did you take it to the office?',
                 'The plumber says he can come on {day} between {time} and noon.',
                 'Attached is the signed contract. Please keep a copy for your records.',
                 'The numbers for Q{q} look better than expected, mostly thanks to the new customers in the north.',
                 'Do you still have the recipe for the lemon cake? Anna keeps asking for it.'],
        'close': ['Thanks,\n{sender}', 'Cheers,\n{sender}', 'Best,\n{sender}', '-- \n{sender}',
                  'Talk soon,\n{sender}', 'Regards,\n{sender}', '{sender}', 'Love,\n{sender}',
                  'Best regards,\n{sender}\n{company}\nTel. +1 555 {num4}'],
    },
    'de': {
        'subjects': ['Termin am {day}', 'Re: Angebot {project}', 'Fotos vom Wochenende',
                     'kurze Frage', 'Protokoll der Besprechung', 'Einladung zum Grillen'],
        'open': ['Hallo {name},', 'Liebe Grüße vorab,', 'Sehr geehrte Frau {name},', 'Hi {name},'],
        'body': ['können wir den Termin am {day} auf {time} Uhr verschieben? Mir ist etwas dazwischengekommen.',
                 'anbei das Protokoll unserer Besprechung. Die offenen Punkte habe ich gelb markiert.',
                 'vielen Dank für das Angebot. Wir melden uns bis Ende der Woche mit einer Entscheidung.',
                 'die Fotos vom Wochenende sind im Anhang. Das Wetter war zum Glück besser als gedacht.',
                 'wir grillen am Samstag ab 17 Uhr bei uns im Garten. Bring gerne die Kinder mit.',
                 'die Rechnung für März habe ich heute überwiesen. Bitte kurz Bescheid geben, wenn sie da ist.'],
        'close': ['Viele Grüße\n{sender}', 'Beste Grüße\n{sender}', 'Mit freundlichen Grüßen\n{sender}', 'LG {sender}'],
    },
    'fr': {
        'subjects': ['Réunion de {day}', 'Re: devis {project}', 'photos du week-end', 'petite question'],
        'open': ['Bonjour {name},', 'Salut {name},', 'Chère {name},'],
        'body': ['Est-ce que tu es libre pour déjeuner {day} ? Je pensais au restaurant près de la gare vers {time}.',
                 'Merci pour le devis. Nous reviendrons vers vous avant la fin de la semaine.',
                 'Je t\'envoie les photos du week-end. Celles du lac sont vraiment réussies.',
                 'La réunion avec le fournisseur est déplacée à {day}, {time}, même salle que la dernière fois.',
                 'Voici le compte rendu de la réunion. Les points ouverts sont en fin de document.'],
        'close': ['Bonne journée,\n{sender}', 'Cordialement,\n{sender}', 'Bises,\n{sender}', 'A+\n{sender}'],
    },
    'es': {
        'subjects': ['Reunión del {day}', 'Re: presupuesto {project}', 'fotos del fin de semana'],
        'open': ['Hola {name},', 'Estimada {name}:', 'Buenas {name},'],
        'body': ['¿Te viene bien comer el {day}? Había pensado en el sitio de siempre a las {time}.',
                 'Gracias por el presupuesto. Te contestamos antes del viernes.',
                 'Te mando las fotos del fin de semana. Las del lago quedaron muy bien.',
                 'La reunión con el proveedor pasa al {day} a las {time}, en la misma sala.'],
        'close': ['Un saludo,\n{sender}', 'Abrazos,\n{sender}', 'Saludos cordiales,\n{sender}'],
    },
    'it': {'subjects': ['Riunione di {day}', 'foto del weekend'], 'open': ['Ciao {name},', 'Gentile {name},'],
           'body': ['sei libero per pranzo {day}? Pensavo al solito posto verso le {time}.',
                    'ti mando le foto del weekend, quelle del lago sono venute benissimo.',
                    'grazie per il preventivo, ti rispondiamo entro venerdì.'],
           'close': ['Un saluto,\n{sender}', 'A presto,\n{sender}', 'Cordiali saluti,\n{sender}']},
    'pt': {'subjects': ['Reunião de {day}', 'fotos do fim de semana'], 'open': ['Olá {name},', 'Oi {name},'],
           'body': ['Você está livre para almoçar na {day}? Pensei naquele restaurante perto do escritório às {time}.',
                    'Segue em anexo o contrato assinado. Guarde uma cópia, por favor.',
                    'Obrigado pelo orçamento, respondemos até sexta-feira.'],
           'close': ['Abraços,\n{sender}', 'Atenciosamente,\n{sender}']},
    'nl': {'subjects': ['Afspraak {day}', 'foto\'s van het weekend'], 'open': ['Hoi {name},', 'Beste {name},'],
           'body': ['Heb je {day} tijd om te lunchen? Ik dacht aan {time} bij het station.',
                    'Bedankt voor de offerte, we laten het voor vrijdag weten.'],
           'close': ['Groet,\n{sender}', 'Met vriendelijke groet,\n{sender}']},
    'ru': {'subjects': ['Встреча в {day}', 'Re: договор', 'фотографии', 'вопрос по проекту'],
           'open': ['Привет, {name}!', 'Здравствуйте, {name}!', 'Добрый день, {name}.'],
           'body': ['Давай встретимся в {day} около {time}, если тебе удобно.',
                    'Посмотрел договор, замечания отметил в тексте. В целом всё нормально.',
                    'Отправляю фотографии с выходных. Погода была отличная.',
                    'Совещание переносится на {day}, {time}. Аудитория та же.'],
           'close': ['С уважением,\n{sender}', 'Пока,\n{sender}', 'Спасибо,\n{sender}']},
    'ja': {'subjects': ['{day}の打ち合わせについて', '資料送付の件', '週末の写真', 'お問い合わせの件'],
           'open': ['{name}様', '{name}さん', 'お疲れ様です。'],
           'body': ['いつもお世話になっております。{day}の打ち合わせですが、{time}からでいかがでしょうか。',
                    '先日の会議の議事録を添付いたします。ご確認のほどよろしくお願いいたします。',
                    '週末の写真を送ります。湖の写真がとてもきれいに撮れました。',
                    'お見積りありがとうございました。今週中にお返事いたします。'],
           'close': ['よろしくお願いいたします。\n{sender}', '以上、よろしくお願いします。\n{sender}']},
    'zh': {'subjects': ['关于{day}的会议', '合同草案', '周末的照片'],
           'open': ['{name}你好，', '{name}：', '您好，'],
           'body': ['{day}的会议改到{time}，地点不变。', '附件是合同草案，请查看并提出修改意见。',
                    '周末的照片发给你了，湖边的那几张拍得很好。', '谢谢你的报价，我们周五前答复。'],
           'close': ['谢谢！\n{sender}', '祝好，\n{sender}']},
    'ko': {'subjects': ['{day} 회의 일정', '자료 보내드립니다', '주말 사진'],
           'open': ['{name}님 안녕하세요.', '{name}씨,'],
           'body': ['{day} 회의는 {time}에 시작하는 것으로 변경되었습니다.', '회의록을 첨부합니다. 확인 부탁드립니다.',
                    '주말에 찍은 사진 보내드려요.'],
           'close': ['감사합니다.\n{sender}', '좋은 하루 되세요.\n{sender}']},
    'pl': {'subjects': ['Spotkanie w {day}', 'zdjęcia z weekendu'], 'open': ['Cześć {name},', 'Dzień dobry,'],
           'body': ['Czy możemy przełożyć spotkanie na {day} na {time}?', 'W załączniku przesyłam protokół ze spotkania.'],
           'close': ['Pozdrawiam,\n{sender}', 'Dzięki,\n{sender}']},
}

LIST_TOPICS = [
    ('exmh-users', 'Re: sequences window is slow', [
        'I see the same thing here with 2.5 on a 400MHz box; the unseen sequence is rebuilt on every folder change.',
        'Try setting the ftoc cache size higher in the preferences. That helped me a lot.',
        'It was fixed in CVS last week, see the ChangeLog entry from Chris.']),
    ('spamassassin-talk', 'Re: [SAtalk] false positives on newsletters', [
        'We had the same problem: the HTML newsletters from our travel agent scored 5.1 because of the big fonts and "click here".',
        'Whitelist the sender address rather than lowering the rule scores; the rules are fine for real spam.',
        'The mortgage spam we get uses "lowest rates" and "refinance now" in almost every message, so that rule stays.',
        'I ran the mass-check on 20k messages from my own corpus and the false positive rate was 0.3%.',
        'Bayes takes a couple of hundred messages of each kind before it starts to be useful.']),
    ('ilug', 'Re: [ILUG] kernel panic after upgrade', [
        'Did you rebuild the initrd after the upgrade? The new kernel needs the SCSI module loaded early.',
        'Boot the old kernel from the LILO prompt and check /var/log/messages for the first error.',
        'I had this on a Dell with the aacraid controller; upgrading the BIOS fixed it.']),
    ('debian-user', 'Re: apt-get fails with a hash sum mismatch', [
        'That usually means a transparent proxy is serving a stale Packages file. Try another mirror.',
        'Run apt-get clean, remove /var/lib/apt/lists/* and update again.',
        'Works fine here with the same mirror, so it is probably your proxy.']),
    ('python-list', 'Re: unicode errors when reading files', [
        'Open the file with an explicit encoding; the default depends on the locale of the process.',
        'If the data really is mixed, read bytes and decode line by line with errors="replace".',
        'The codecs module had a bug with BOMs in that version, so upgrading may be the easier fix.']),
    ('fork', 'Re: the future of the web', [
        'Every few years somebody announces that email is dead, and every year we get more of it.',
        'The interesting part of the article is the bit about micropayments; nobody has made them work yet.',
        'I remember when a 56k modem was fast. Now my phone has more bandwidth than my first office.']),
    ('razor-users', 'Re: razor-check timeouts', [
        'The catalogue servers were overloaded yesterday; it is better today.',
        'Set the timeout in razor-agent.conf, the default is quite long.']),
    ('users', 'Re: [Users] build fails on ARM', [
        'Which compiler version? The atomics need GCC 4.7 or newer on ARM.',
        'Attach the full log please, the interesting error is usually above the last one.',
        'Fixed in master by commit 3f2a1c; a point release is planned for next week.']),
]

NEWSLETTER_BRANDS = [
    ('Northwind Outdoor', 'northwind-outdoor', ['hiking boots', 'rain jackets', 'tents', 'trail socks']),
    ('Blue Harbor Books', 'blueharborbooks', ['new fiction', 'cookbooks', 'the summer reading list']),
    ('Cedar & Pine Home', 'cedarpinehome', ['linen sheets', 'cast-iron pans', 'garden chairs']),
    ('TechWeekly', 'techweekly', ['cloud outages', 'new laptops', 'open-source licences']),
    ('City Theatre', 'citytheatre', ['the autumn season', 'student tickets', 'the new musical']),
    ('Velo Club Store', 'veloclub', ['bike lights', 'winter gloves', 'tubeless tyres']),
    ('Green Basket Grocers', 'greenbasket', ['seasonal vegetables', 'weekly recipes', 'local cheese']),
    ('Skyline Airways', 'skylineair', ['autumn fares', 'lounge access', 'miles offers']),
    ('Lumen Cameras', 'lumencam', ['mirrorless bodies', 'prime lenses', 'photo walks']),
    ('Harbour Bank', 'harbourbank', ['savings rates', 'the new app', 'fraud awareness']),
]
NEWSLETTER_LINES = {
    'en': ['This week: {topic}, plus {product} at new prices.', 'Save {pct}% on {product} until Sunday.',
           'Free shipping on orders over $50 - this weekend only.', 'Our editors picked the best {product} of the year.',
           'New arrivals: {product} in three new colours.', 'Members get early access to {topic}.',
           'Read the full story on our website.', 'Limited time: {pct}% off selected {product}.',
           'Join us at our store event on {day}.', 'Last chance to book {topic}.'],
    'de': ['Diese Woche: {topic} und {product} zu neuen Preisen.', 'Sparen Sie {pct}% auf {product} bis Sonntag.',
           'Versandkostenfrei ab 50 Euro - nur an diesem Wochenende.', 'Neu eingetroffen: {product} in drei Farben.'],
    'fr': ['Cette semaine : {topic} et {product} à prix réduits.', 'Profitez de -{pct}% sur {product} jusqu\'à dimanche.',
           'Livraison offerte dès 50 euros ce week-end.'],
    'es': ['Esta semana: {topic} y {product} a nuevos precios.', 'Ahorra un {pct}% en {product} hasta el domingo.'],
    'ja': ['今週の特集：{topic}', '{product}が{pct}%オフ、日曜日まで。', '送料無料キャンペーン実施中。'],
}
UNSUB = {'en': 'You are receiving this email because you subscribed at {site}. Unsubscribe or update your preferences.',
         'de': 'Sie erhalten diese E-Mail, weil Sie sich auf {site} angemeldet haben. Abmelden.',
         'fr': 'Vous recevez cet e-mail car vous êtes inscrit sur {site}. Se désinscrire.',
         'es': 'Recibes este correo porque te suscribiste en {site}. Darse de baja.',
         'ja': 'このメールは{site}にご登録いただいた方にお送りしています。配信停止はこちら。'}

TRANSACTIONAL = {
    'order': ('Your order #{num} has been confirmed', [
        'Thank you for your order! We will let you know when it ships.',
        'Order number: {num}\nItems: {product} x1\nTotal: {amount}',
        'You can view your order status in your account at any time.']),
    'shipping': ('Your package is on its way (order #{num})', [
        'Good news: your order has shipped and should arrive on {day}.',
        'Tracking number: 1Z{alnum}\nCarrier: UPS',
        'Track your package at the link below.']),
    'reset': ('Reset your password', [
        'We received a request to reset the password for your account.',
        'Click the link below to choose a new password. The link expires in 60 minutes.',
        'If you did not request a password reset, you can ignore this email; your password will not change.']),
    'verify_email': ('Please confirm your email address', [
        'Thanks for signing up! Please confirm your email address to activate your account.',
        'Confirm your email address by clicking the button below.',
        'If you did not create an account, no further action is required.']),
    'security_alert': ('Security alert: new sign-in to your account', [
        'We noticed a new sign-in to your account from a Windows device in {place}.',
        'If this was you, you do not need to do anything.',
        'If you do not recognise this activity, please review your account and change your password.']),
    'code': ('Your verification code is {num6}', [
        'Your verification code is {num6}.', 'This code expires in 10 minutes. Do not share it with anyone.']),
    'receipt': ('Your receipt from {brand}', [
        'Receipt #{num}\nDate: {day}\nAmount paid: {amount}\nPayment method: Visa ending in {num4}',
        'Questions? Reply to this email or visit our help centre.']),
    'invoice': ('Invoice {num} from {brand}', [
        'Dear customer,\n\nplease find attached invoice {num} for {amount}, due within 30 days.',
        'Payment details are on the invoice. Thank you for your business.']),
    'statement': ('Your monthly statement is ready', [
        'Your statement for the period ending {day} is now available in online banking.',
        'For your security we never ask for your password or PIN by email.']),
    'booking': ('Booking confirmation {alnum}', [
        'Your booking is confirmed.\nCheck-in: {day}\nGuests: 2\nTotal: {amount}',
        'Free cancellation until 48 hours before arrival.']),
}

AUTOMATED = {
    'cron': ('Cron <root@{host}> /usr/local/bin/backup.sh', [
        'backup started at {time}\nrsync: 1284 files transferred, 312 MB\nbackup finished OK']),
    'logwatch': ('Logwatch for {host} (Linux)', [
        '################### Logwatch 7.5.5 (01/22/21) ####################\n        Processing Initiated: {day}\n        Detail Level of Output: 0\n',
        ' --------------------- SSHD Begin ------------------------\n\n Failed logins from:\n    203.0.113.{n} : 14 times\n\n ---------------------- SSHD End -------------------------']),
    'monitor': ('PROBLEM: disk usage on {host} is WARNING', [
        '***** Nagios *****\n\nNotification Type: PROBLEM\n\nService: Disk Usage\nHost: {host}\nState: WARNING\n\nInfo:\nDISK WARNING - free space: / 4012 MB (8% inode=91%)']),
    'ci': ('[{project}] Build #{num} failed', [
        'Build #{num} of {project} failed on branch main.\n\nFailed step: unit tests\n3 tests failed, 812 passed.\n\nSee the build log for details.']),
    'tracker': ('[{project}] Issue #{num}: crash when opening large files', [
        '{name} commented:\n\n> I can reproduce this with any file over 2 GB on 32-bit builds.\n\nReply to this email directly or view it on the tracker.']),
}
