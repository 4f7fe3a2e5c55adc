<?php
/*
 * Drives a real WordPress from the command line, in three steps, each its own PHP process:
 *
 *   php wp_site.php WORDPRESS_DIR install
 *   php wp_site.php WORDPRESS_DIR content MEDIA_DIR SEED_POST_TXT
 *   php wp_site.php WORDPRESS_DIR export OUT.xml
 *
 * "install" runs WordPress's own installer (wp_install, what wp-admin/install.php calls);
 * "content" writes the site through WordPress's own API (wp_insert_post, wp_insert_comment,
 * media_handle_sideload, set_post_thumbnail, wp_trash_post...), as the admin screens would;
 * "export" calls export_wp(), the function behind Tools › Export, and saves what it prints.
 * make_export.sh runs them against a throwaway database; see README.md.
 */

error_reporting( E_ALL & ~E_DEPRECATED & ~E_USER_DEPRECATED & ~E_NOTICE );
ini_set( 'display_errors', 'stderr' );

if ( $argc < 3 ) {
	fwrite( STDERR, "usage: php wp_site.php WORDPRESS_DIR install|content|export [ARGS]\n" );
	exit( 2 );
}
$wordpress_dir = rtrim( $argv[1], '/' );
$step          = $argv[2];

// WordPress reads these from the web server; the site's address itself comes from
// WP_HOME / WP_SITEURL in the generated wp-config.php.
$_SERVER['HTTP_HOST']       = 'www.imroc.example';
$_SERVER['SERVER_NAME']     = 'www.imroc.example';
$_SERVER['REQUEST_URI']     = '/';
$_SERVER['REQUEST_METHOD']  = 'GET';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
$_SERVER['HTTPS']           = 'on';

if ( 'install' === $step ) {
	define( 'WP_INSTALLING', true );
	// Pluggable: the installer's "your new site" e-mail has no mail server to go to here.
	function wp_new_blog_notification() {}
}
require $wordpress_dir . '/wp-load.php';

function fail( $what, $error ) {
	$message = is_wp_error( $error ) ? $error->get_error_message() : (string) $error;
	fwrite( STDERR, "wp_site.php: $what: $message\n" );
	exit( 1 );
}

function check( $what, $result ) {
	if ( ! $result || is_wp_error( $result ) ) {
		fail( $what, $result );
	}
	return $result;
}

if ( 'install' === $step ) {
	require_once ABSPATH . 'wp-admin/includes/upgrade.php';
	// The password is random and thrown away: no one ever signs in to this site.
	$installed = wp_install( 'ImROC', 'imroc-admin', 'admin@imroc.example', true, '', wp_generate_password( 24 ) );
	check( 'install', $installed['user_id'] ?? false );
	update_option( 'blogdescription', 'Implementing Recovery through Organisational Change' );
	update_option( 'timezone_string', 'Europe/London' );
	update_option( 'gmt_offset', '' );
	update_option( 'date_format', 'j F Y' );
	update_option( 'comment_moderation', '0' );
	update_option( 'thread_comments', '1' );
	update_option( 'thread_comments_depth', '5' );
	global $wp_rewrite;
	$wp_rewrite->set_permalink_structure( '/%year%/%monthnum%/%day%/%postname%/' );
	echo 'Installed WordPress ' . get_bloginfo( 'version' ) . "\n";
	exit( 0 );
}

if ( 'export' === $step ) {
	require_once ABSPATH . 'wp-admin/includes/export.php';
	ob_start();
	export_wp( array( 'content' => 'all' ) );
	$xml = ob_get_clean();
	check( 'write ' . $argv[3], false !== file_put_contents( $argv[3], $xml ) );
	echo 'Exported ' . strlen( $xml ) . " bytes to {$argv[3]}\n";
	exit( 0 );
}

if ( 'content' !== $step ) {
	fail( 'step', "unknown step $step" );
}

require_once ABSPATH . 'wp-admin/includes/media.php';
require_once ABSPATH . 'wp-admin/includes/file.php';
require_once ABSPATH . 'wp-admin/includes/image.php';
require_once ABSPATH . 'wp-admin/includes/taxonomy.php';
require_once ABSPATH . 'wp-admin/includes/post.php';

$media_dir = rtrim( $argv[3], '/' );
$seed_text = file_get_contents( $argv[4] );
global $wpdb;

// Both authors are administrators/editors, who may post any HTML (unfiltered_html): what they
// type is stored as typed, as it would be from the editor.
wp_set_current_user( 1 );
kses_remove_filters();

// --- The default content a fresh install makes goes, as a new site's owner would delete it.
foreach ( array( 1, 2, 3 ) as $default_post ) {
	wp_delete_post( $default_post, true );
}

// --- Authors.
$admin = 1;
check(
	'admin profile',
	wp_update_user(
		array(
			'ID'           => $admin,
			'first_name'   => 'ImROC',
			'last_name'    => 'team',
			'display_name' => 'ImROC team',
			'nickname'     => 'ImROC team',
		)
	)
);
$zoe = check(
	'second author',
	wp_insert_user(
		wp_slash(
			array(
				'user_login'   => 'zoe',
				'user_email'   => 'zoe.angstrom@imroc.example',
				'user_pass'    => wp_generate_password( 24 ),
				'first_name'   => 'Zoë',
				'last_name'    => 'Ångström',
				'display_name' => 'Zoë Ångström',
				'role'         => 'editor',
			)
		)
	)
);

// --- Categories and tags. The install's "Uncategorized" (the default category) becomes News.
check( 'rename default category', wp_update_term( 1, 'category', array( 'name' => 'News', 'slug' => 'news' ) ) );
$news     = 1;
$briefing = check(
	'category',
	wp_insert_term(
		'Briefing papers',
		'category',
		array(
			'slug'        => 'briefing-papers',
			'parent'      => $news,
			'description' => 'ImROC briefing papers and the posts that introduce them.',
		)
	)
)['term_id'];
$events   = check( 'category', wp_insert_term( 'Events', 'category', array( 'slug' => 'events' ) ) )['term_id'];

function make_post( $fields ) {
	$fields = array_merge( array( 'post_type' => 'post' ), $fields );
	return check( 'post ' . $fields['post_title'], wp_insert_post( wp_slash( $fields ), true ) );
}

// wp_update_post stamps "modified" with the clock; the fixture wants the same dates every run.
function set_modified( $post_id, $local ) {
	global $wpdb;
	$wpdb->update(
		$wpdb->posts,
		array(
			'post_modified'     => $local,
			'post_modified_gmt' => get_gmt_from_date( $local ),
		),
		array( 'ID' => $post_id )
	);
	clean_post_cache( $post_id );
}

function upload( $filename, $parent, $local_date, $fields = array() ) {
	global $media_dir;
	// media_handle_sideload moves the file it is given, so it gets a copy.
	$tmp = wp_tempnam( $filename );
	check( "copy $filename", copy( "$media_dir/$filename", $tmp ) );
	$fields['post_date']   = $local_date;
	$fields['post_author'] = get_post( $parent )->post_author; // who wrote the post uploaded it
	return check(
		"upload $filename",
		media_handle_sideload( array( 'name' => $filename, 'tmp_name' => $tmp ), $parent, null, wp_slash( $fields ) )
	);
}

function add_comment( $fields ) {
	$fields = array_merge(
		array(
			'comment_author_url'   => '',
			'comment_author_IP'    => '',
			'comment_agent'        => 'Mozilla/5.0 (Windows NT 6.1; WOW64; rv:27.0) Gecko/20100101 Firefox/27.0',
			'comment_approved'     => 1,
			'comment_parent'       => 0,
			'user_id'              => 0,
			'comment_type'         => 'comment',
		),
		$fields
	);
	return check( 'comment by ' . $fields['comment_author'], wp_insert_comment( wp_slash( $fields ) ) );
}

function user_comment( $user_id, $fields ) {
	$user = get_userdata( $user_id );
	return add_comment(
		array_merge(
			array(
				'user_id'              => $user_id,
				'comment_author'       => $user->display_name,
				'comment_author_email' => $user->user_email,
				'comment_author_url'   => '',
				'comment_agent'        => 'Mozilla/5.0 (X11; Linux x86_64; rv:68.0) Gecko/20100101 Firefox/68.0',
			),
			$fields
		)
	);
}

function kb_label( $path ) {
	return sprintf( '%dKB', round( filesize( $path ) / 1024 ) );
}

// --- The pages (the About page first: the site's oldest content).
$about = make_post(
	array(
		'post_type'    => 'page',
		'post_title'   => 'About ImROC',
		'post_name'    => 'about',
		'post_author'  => $admin,
		'post_status'  => 'publish',
		'post_date'    => '2013-01-15 09:00:00',
		'menu_order'   => 1,
		'post_content' => "<!-- wp:paragraph -->\n<p>ImROC (Implementing Recovery through Organisational Change) helps health and social care organisations become more supportive of the recovery of the people who use their services.</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:heading -->\n<h2>The ten organisational challenges</h2>\n<!-- /wp:heading -->\n\n<!-- wp:paragraph -->\n<p>Our work is organised around <a href=\"https://www.imroc.example/category/news/briefing-papers/\">ten challenges</a> that every organisation can measure itself against.</p>\n<!-- /wp:paragraph -->",
	)
);
$team  = make_post(
	array(
		'post_type'    => 'page',
		'post_title'   => 'Our team',
		'post_name'    => 'our-team',
		'post_parent'  => $about,
		'post_author'  => $admin,
		'post_status'  => 'publish',
		'post_date'    => '2013-01-15 09:30:00',
		'menu_order'   => 2,
		'post_content' => "Our team brings together people with lived experience of mental health challenges, clinicians and managers.\n\nWrite to us at <a href=\"mailto:info@imroc.example\">info@imroc.example</a>.",
	)
);

// --- The seed post: the demo's 2014 post, its two papers and its replies.
list( $seed_title, $seed_body ) = explode( "\n\n", trim( $seed_text ), 2 );
$seed_paragraphs                = array_map( 'trim', explode( "\n\n", trim( $seed_body ) ) );
$seed                           = make_post(
	array(
		'post_title'     => trim( $seed_title ),
		'post_name'      => 'recovery-the-business-case-and-co-production',
		'post_author'    => $admin,
		'post_status'    => 'draft',
		'post_date'      => '2014-03-12 10:00:00',
		'post_excerpt'   => explode( '. ', $seed_paragraphs[0], 2 )[0] . '.',
		'post_category'  => array( $news, $briefing ),
		'tags_input'     => array( 'Recovery', 'Co-production' ),
		'comment_status' => 'open',
		'ping_status'    => 'open',
	)
);
$papers                         = array(
	array( 'recovery-the-business-case.pdf', 'Recovery: the Business Case' ),
	array( 'co-production-sharing-our-experiences.pdf', 'Co-production – Sharing Our Experiences, Reflecting on Our Learning' ),
);
$downloads                      = array();
foreach ( $papers as $i => list( $filename, $paper_title ) ) {
	$paper       = upload( $filename, $seed, '2014-03-11 16:4' . $i . ':00', array( 'post_title' => $paper_title ) );
	$first_paper = $first_paper ?? $paper;
	$downloads[] = sprintf(
		'<a href="%s">Download (PDF, %s)</a>',
		esc_url( wp_get_attachment_url( $paper ) ),
		kb_label( get_attached_file( $paper ) )
	);
}
// The classic editor's own format: paragraphs are blank-line separated, without <p> tags.
check(
	'publish seed post',
	wp_update_post(
		wp_slash(
			array(
				'ID'           => $seed,
				'edit_date'    => true,
				'post_status'  => 'publish',
				'post_content' => implode( "\n\n", array_merge( $seed_paragraphs, array( 'ImROC team' ), $downloads ) ),
			)
		)
	)
);
set_modified( $seed, '2014-03-12 10:00:00' );

$sarah = add_comment(
	array(
		'comment_post_ID'      => $seed,
		'comment_author'       => 'Sarah Mitchell',
		'comment_author_email' => 'sarah.mitchell@example.org',
		'comment_author_url'   => 'https://sarah-mitchell.example/',
		'comment_author_IP'    => '192.0.2.10',
		'comment_date'         => '2014-03-13 09:24:00',
		'comment_content'      => "Thank you for sharing these. The business case paper arrived at just the right time for us: our trust board has been asking whether peer support is worth the investment, and having the evidence set out this clearly will help us make the case.\n\nIt is also a good reminder that Recovery is about people’s lives, not only about bed days.",
	)
);
$james = add_comment(
	array(
		'comment_post_ID'      => $seed,
		'comment_parent'       => $sarah,
		'comment_author'       => 'James Okafor',
		'comment_author_email' => 'james.okafor@example.org',
		'comment_author_IP'    => '192.0.2.11',
		'comment_date'         => '2014-03-13 18:40:00',
		'comment_content'      => 'Same here, Sarah. Our board found the section on Recovery Colleges the most persuasive: happy to share the summary we wrote for them if it would help.',
	)
);
user_comment(
	$admin,
	array(
		'comment_post_ID'   => $seed,
		'comment_parent'    => $james,
		'comment_author_IP' => '192.0.2.1',
		'comment_date'      => '2014-03-14 08:15:00',
		'comment_content'   => 'Thank you both. James, we would love to see that summary: <a href="mailto:info@imroc.example">info@imroc.example</a> reaches the whole team.',
	)
);
add_comment(
	array(
		'comment_post_ID'      => $seed,
		'comment_author'       => 'Tom Reid',
		'comment_author_email' => 'tom.reid@example.org',
		'comment_author_IP'    => '192.0.2.12',
		'comment_date'         => '2014-03-14 16:05:00',
		'comment_approved'     => 0,
		'comment_content'      => 'The Top Ten Tips on page 19 look really useful. Would it be all right to reproduce them on a poster for our team room, with credit to ImROC?',
	)
);
// What WordPress stores when another blog's pingback arrives (xmlrpc.php, pingback.ping).
add_comment(
	array(
		'comment_post_ID'      => $seed,
		'comment_author'       => 'Recovery in Practice',
		'comment_author_email' => '',
		'comment_author_url'   => 'https://recovery-in-practice.example/2014/03/20/two-new-imroc-papers/',
		'comment_author_IP'    => '198.51.100.7',
		'comment_agent'        => 'The Incutio XML-RPC PHP Library -- WordPress/3.8.1',
		'comment_date'         => '2014-03-20 11:02:00',
		'comment_type'         => 'pingback',
		'comment_content'      => '[&#8230;] ImROC have published two new briefing papers, on the business case for Recovery and on co-production [&#8230;]',
	)
);

// --- A private post, the same month.
make_post(
	array(
		'post_title'    => 'Board minutes, March 2014',
		'post_author'   => $admin,
		'post_status'   => 'private',
		'post_date'     => '2014-03-20 17:30:00',
		'post_category' => array( $news ),
		'post_content'  => "Present: the ImROC board.\n\nThe board approved the publication of the two briefing papers and the budget for the autumn programme. Not for publication.",
	)
);

// --- A password-protected post: published, but only readers given the password see it.
make_post(
	array(
		'post_title'    => 'Away day notes for staff',
		'post_author'   => $admin,
		'post_status'   => 'publish',
		'post_password' => 'recovery2014',
		'post_date'     => '2014-06-02 09:00:00',
		'post_category' => array( $news ),
		'post_content'  => 'Notes from the staff away day, for the team only.',
	)
);

// --- A post someone deleted: it sits in the trash (its slug gains "__trashed").
$cancelled = make_post(
	array(
		'post_title'    => 'Spring workshop (cancelled)',
		'post_name'     => 'spring-workshop',
		'post_author'   => $zoe,
		'post_status'   => 'publish',
		'post_date'     => '2015-02-02 09:00:00',
		'post_category' => array( $events ),
		'post_content'  => 'Our spring workshop will take place in Leeds on 14 March.',
	)
);
do_all_pings(); // its publication's pings ran before anyone deleted it
check( 'trash post', wp_trash_post( $cancelled ) );
set_modified( $cancelled, '2015-02-20 12:00:00' );
// The trash keeps the time it was emptied into; dated with the edit, so each run is the same.
update_post_meta( $cancelled, '_wp_trash_meta_time', strtotime( '2015-02-20 12:00:00 UTC' ) );

// --- Classic HTML, as TinyMCE wrote it, with an image in a [caption] shortcode.
$classic = make_post(
	array(
		'post_title'     => 'What peer support workers told us',
		'post_author'    => $zoe,
		'post_status'    => 'draft',
		'post_date'      => '2016-05-20 11:15:00',
		'post_category'  => array( $news ),
		'tags_input'     => array( 'Peer support' ),
		'comment_status' => 'closed',
		'ping_status'    => 'closed',
	)
);
$group   = upload( 'peer-support-group.jpg', $classic, '2016-05-19 15:00:00', array( 'post_title' => 'Peer support group' ) );
update_post_meta( $group, '_wp_attachment_image_alt', 'Chairs set out in a circle under a painted sky' );
list( $group_src, $group_width, $group_height ) = wp_get_attachment_image_src( $group, 'medium' );
$caption = sprintf(
	'[caption id="attachment_%1$d" align="aligncenter" width="%3$d"]<img class="size-medium wp-image-%1$d" src="%2$s" alt="Chairs set out in a circle under a painted sky" width="%3$d" height="%4$d" /> A peer support group at the Nottingham Recovery College[/caption]',
	$group,
	esc_url( $group_src ),
	$group_width,
	$group_height
);
check(
	'publish classic post',
	wp_update_post(
		wp_slash(
			array(
				'ID'           => $classic,
				'edit_date'    => true,
				'post_status'  => 'publish',
				'post_content' => "<h2>Why peer support?</h2>\nPeer support workers bring their own <em>lived experience</em> of mental health challenges to their work. We asked forty of them what helps.\n\n<!--more-->\n\n$caption\n\nWhat they told us:\n<ul>\n \t<li>Supervision by someone who has done the job matters most.</li>\n \t<li>Training should be <strong>co-produced</strong>.</li>\n \t<li>Teams change when peer workers join them, for the better.</li>\n</ul>\n<blockquote>Nothing about us without us.</blockquote>\nRead more <a href=\"https://www.imroc.example/about/\">about ImROC</a> or in the <a href=\"https://guidance.example/peer-support\" target=\"_blank\" rel=\"noopener\">national guidance</a>.\n\nCafé, crème brûlée, naïve, résumé: “smart quotes” &amp; an em dash — all as typed.\n\n<script>document.write('You are visitor number 1,024');</script>",
			)
		)
	)
);
set_modified( $classic, '2016-05-21 08:00:00' );

// --- Block markup (the block editor), sticky, with a featured image.
$blocks = make_post(
	array(
		'post_title'     => 'Bien-être: a summer at the Recovery College',
		'post_author'    => $zoe,
		'post_status'    => 'draft',
		'post_date'      => '2019-07-15 14:30:00',
		'post_category'  => array( $news ),
		'tags_input'     => array( 'Recovery', 'Recovery colleges', 'Bien-être' ),
		'post_excerpt'   => 'Courses made together, a garden that grew, and a phrase on the board: التعافي ممكن.',
		'comment_status' => 'open',
		'ping_status'    => 'open',
	)
);
$hills  = upload( 'demo-hills.jpg', $blocks, '2019-07-15 13:55:00', array( 'post_title' => 'Hills under a summer sky' ) );
update_post_meta( $hills, '_wp_attachment_image_alt', 'Soft green hills under a pale sky with a yellow sun' );
set_post_thumbnail( $blocks, $hills );
$large      = wp_get_attachment_image_src( $hills, 'large' )[0];
$seed_link  = get_permalink( $seed );
$case_page  = get_attachment_link( $first_paper );
$block_body = <<<HTML
<!-- wp:paragraph -->
<p>Our summer term at the Recovery College was full of <strong>bien-être</strong>: courses co-produced by students and tutors, and a garden that finally grew something 🌱.</p>
<!-- /wp:paragraph -->

<!-- wp:heading -->
<h2>What we learnt</h2>
<!-- /wp:heading -->

<!-- wp:list -->
<ul><!-- wp:list-item -->
<li>Peer trainers led half of all sessions.</li>
<!-- /wp:list-item -->

<!-- wp:list-item -->
<li>Students asked for more evening courses 🌙.</li>
<!-- /wp:list-item --></ul>
<!-- /wp:list -->

<!-- wp:image {"id":$hills,"sizeSlug":"large","linkDestination":"none"} -->
<figure class="wp-block-image size-large"><img src="$large" alt="Soft green hills under a pale sky with a yellow sun" class="wp-image-$hills"/><figcaption class="wp-element-caption">The view from the college garden</figcaption></figure>
<!-- /wp:image -->

<!-- wp:quote -->
<blockquote class="wp-block-quote"><!-- wp:paragraph -->
<p>Recovery is possible, or, as one student wrote on the board, <span dir="rtl" lang="ar">التعافي ممكن</span>.</p>
<!-- /wp:paragraph --><cite>A student, summer term 2019</cite></blockquote>
<!-- /wp:quote -->

<!-- wp:separator -->
<hr class="wp-block-separator has-alpha-channel-opacity"/>
<!-- /wp:separator -->

<!-- wp:paragraph -->
<p>The evidence behind all this is in <a href="$seed_link">our 2014 briefing papers</a>, <a href="$case_page">the business case</a> first. Merci à tous, ¡gracias!, danke schön.</p>
<!-- /wp:paragraph -->
HTML;
check(
	'publish block post',
	wp_update_post(
		wp_slash(
			array(
				'ID'           => $blocks,
				'edit_date'    => true,
				'post_status'  => 'publish',
				'post_content' => $block_body,
			)
		)
	)
);
set_modified( $blocks, '2019-07-16 09:12:00' );
stick_post( $blocks );

$jose = add_comment(
	array(
		'comment_post_ID'      => $blocks,
		'comment_author'       => 'José Ñúñez',
		'comment_author_email' => 'jose.nunez@example.org',
		'comment_author_IP'    => '2001:db8::17',
		'comment_date'         => '2019-07-16 20:05:00',
		'comment_content'      => '¡Qué bien! Our college in Málaga tried the same: التعافي ممكن indeed 🎉🌱',
	)
);
add_comment(
	array(
		'comment_post_ID'      => $blocks,
		'comment_parent'       => $jose,
		'comment_author'       => 'Amira Haddad',
		'comment_author_email' => 'amira.haddad@example.org',
		'comment_author_IP'    => '192.0.2.44',
		'comment_date'         => '2019-07-17 07:30:00',
		'comment_approved'     => 0,
		'comment_content'      => 'José, could you share the course list from Málaga?',
	)
);
$spam  = add_comment(
	array(
		'comment_post_ID'      => $blocks,
		'comment_author'       => 'Cheap Pills Online',
		'comment_author_email' => 'sales@pills.example',
		'comment_author_url'   => 'https://pills.example/buy-now',
		'comment_author_IP'    => '203.0.113.99',
		'comment_date'         => '2019-07-18 03:14:00',
		'comment_approved'     => 0,
		'comment_content'      => 'Great post! <a href="https://pills.example/buy-now">Buy cheap pills now</a>',
	)
);
check( 'spam comment', wp_spam_comment( $spam ) );
$twice = add_comment(
	array(
		'comment_post_ID'      => $blocks,
		'comment_author'       => 'José Ñúñez',
		'comment_author_email' => 'jose.nunez@example.org',
		'comment_author_IP'    => '2001:db8::17',
		'comment_date'         => '2019-07-16 20:06:00',
		'comment_content'      => '¡Qué bien! Our college in Málaga tried the same (sent twice, sorry)',
	)
);
check( 'trash comment', wp_trash_comment( $twice ) );
update_comment_meta( $twice, '_wp_trash_meta_time', strtotime( '2019-07-16 19:10:00 UTC' ) );

// --- A title with right-to-left text: WordPress keeps the Arabic in the slug, percent-encoded.
make_post(
	array(
		'post_title'    => 'Recovery is possible — التعافي ممكن',
		'post_author'   => $zoe,
		'post_status'   => 'publish',
		'post_date'     => '2020-01-10 12:00:00',
		'post_category' => array( $news ),
		'tags_input'    => array( 'Recovery' ),
		'post_content'  => "<!-- wp:paragraph {\"direction\":\"rtl\"} -->\n<p dir=\"rtl\" lang=\"ar\">التعافي ممكن: أوراق إرشادية جديدة باللغة العربية قريباً.</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:paragraph -->\n<p>Recovery is possible: our first briefing paper in Arabic is on its way.</p>\n<!-- /wp:paragraph -->",
	)
);

// --- Work in progress: a draft, a post awaiting review, one scheduled for 2030.
make_post(
	array(
		'post_title'    => 'Autumn newsletter (draft)',
		'post_author'   => $zoe,
		'post_status'   => 'draft',
		'post_date'     => '2026-11-30 16:00:00',
		'post_category' => array( $news ),
		'post_content'  => "<!-- wp:paragraph -->\n<p>Notes for the autumn newsletter: not ready.</p>\n<!-- /wp:paragraph -->",
	)
);
make_post(
	array(
		'post_title'    => 'Peer support worker: job description',
		'post_author'   => $zoe,
		'post_status'   => 'pending',
		'post_date'     => '2026-12-01 10:00:00',
		'post_category' => array( $news ),
		'tags_input'    => array( 'Peer support' ),
		'post_content'  => "<!-- wp:paragraph -->\n<p>A model job description for peer support workers, waiting for review.</p>\n<!-- /wp:paragraph -->",
	)
);
make_post(
	array(
		'post_title'    => 'Recovery College open day 2030',
		'post_author'   => $admin,
		'post_status'   => 'future',
		'post_date'     => '2030-06-01 10:00:00',
		'post_category' => array( $events ),
		'tags_input'    => array( 'Recovery colleges' ),
		'post_content'  => "<!-- wp:paragraph -->\n<p>Come and meet the tutors and students of the Recovery College on Saturday 1 June 2030.</p>\n<!-- /wp:paragraph -->",
	)
);

// The pings and enclosure checks a live site's cron runs after publishing (outgoing HTTP is
// blocked by WP_HTTP_BLOCK_EXTERNAL): they clear the _pingme/_encloseme marks.
do_all_pings();

echo "Content written.\n";
